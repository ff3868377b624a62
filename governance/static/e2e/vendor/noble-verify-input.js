// What Asamblea's bundle verifier adds to noble.js (docs/e2e-protocol.md §7.3, §7.4): the
// DHIES opening of a trustee's share that a complaint exposes, HKDF-SHA256 and
// ChaCha20-Poly1305. Not loaded by the voting page. Bundled like noble.js (README.md).
export { chacha20poly1305 } from '@noble/ciphers/chacha.js';
export { hkdf } from '@noble/hashes/hkdf.js';
export { sha256 } from '@noble/hashes/sha2.js';
