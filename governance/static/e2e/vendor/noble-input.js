// The parts of noble that Asamblea's voting script uses (docs/e2e-protocol.md §1, §6):
// the ristretto255 group, Ed25519 signatures, SHA-256 and SHA-512, and byte helpers.
// Bundled into one classic script by esbuild, as noble's own standalone build is
// (governance/static/e2e/vendor/README.md says how to reproduce it).
export { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
export { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
export { sha256, sha512 } from '@noble/hashes/sha2.js';
export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
