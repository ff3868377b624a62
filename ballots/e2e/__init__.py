"""End-to-end verifiable secret polls: the cryptographic core (docs/e2e-protocol.md).

ristretto255 (RFC 9496) through libsodium's `crypto_core_ristretto255_*` (the `rbcl`
binding), exponential ElGamal, zero-knowledge proofs with strong Fiat–Shamir, ballots,
the key roll, the trustees' key ceremony and threshold decryption. Pure: plain data in,
plain data out; no web, no database.
"""
