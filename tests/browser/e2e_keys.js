// Run in the page by tests/browser/test_e2e_refusals.py: a voting key made on the device,
// stored in IndexedDB, used, and looked at from the outside.
async () => {
  const e2e = Asamblea.e2e;
  const { bytesToHex, hexToBytes, utf8ToBytes } = noble;
  const out = {};
  const made = await e2e.votingKeys.create('assembly-7');
  const loaded = await e2e.votingKeys.load('assembly-7');
  out.kind = made.kind;
  out.samePublicKey = bytesToHex(made.publicKey) === bytesToHex(loaded.publicKey);
  const message = utf8ToBytes('a ballot');
  out.verifies = e2e.verifySignature(await loaded.sign(message), message, loaded.publicKey);
  out.otherMessage = e2e.verifySignature(await loaded.sign(message), utf8ToBytes('another'), loaded.publicKey);
  out.missing = await e2e.votingKeys.load('assembly-8');
  // What IndexedDB holds: a CryptoKey the page can sign with but never read.
  const record = await new Promise((resolve, reject) => {
    const open = indexedDB.open('asamblea-e2e');
    open.onsuccess = () => {
      const get = open.result.transaction('voting-keys').objectStore('voting-keys').get('assembly-7');
      get.onsuccess = () => { open.result.close(); resolve(get.result); };
      get.onerror = () => reject(get.error);
    };
  });
  out.stored = { kind: record.kind, extractable: record.pair.privateKey.extractable,
                 type: record.pair.privateKey.type, hasSeed: 'seed' in record };
  out.exportRefused = await crypto.subtle.exportKey('pkcs8', record.pair.privateKey).then(() => false, () => true);
  // WebCrypto and noble give the same RFC 8032 signature for the same seed.
  const seed = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pkcs8 = hexToBytes('302e020100300506032b657004220420' + bytesToHex(seed));
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, 'Ed25519', false, ['sign']);
  out.webcrypto = bytesToHex(new Uint8Array(await crypto.subtle.sign('Ed25519', key, new Uint8Array())));
  out.noble = bytesToHex(await e2e.votingKeys.fromSeed(seed).sign(new Uint8Array()));
  out.noblePublic = bytesToHex(e2e.votingKeys.fromSeed(seed).publicKey);
  // A signer who hides a torsion point in R: RFC 8032's cofactored equation (noble's)
  // accepts, the cofactorless one (OpenSSL's, libsodium's) refuses; the page must refuse.
  const Ed = noble.ed25519.Point;
  const { scalar, pointBytes } = noble.ed25519.utils.getExtendedPublicKey(seed);
  const r = 123456789n;
  const R = Ed.BASE.multiply(r).add(Ed.fromBytes(hexToBytes('ec' + 'ff'.repeat(30) + '7f')));
  const k = noble.bytesToNumberLE(noble.sha512(noble.concatBytes(R.toBytes(), pointBytes, message))) % e2e.L;
  const forged = noble.concatBytes(R.toBytes(), noble.numberToBytesLE((r + k * scalar) % e2e.L, 32));
  out.torsionCofactored = noble.ed25519.verify(forged, message, pointBytes, { zip215: false });
  out.torsionRefused = !e2e.verifySignature(forged, message, pointBytes);
  // A voting key with a torsion component (a·B + T, T of order 2), signing with an even
  // challenge: OpenSSL and libsodium accept this signature (cofactorless), noble too
  // (cofactored); the page refuses the key.
  const torsionKey = hexToBytes('85b3f2ac54bb21b92ad954b2cc4a6b845462885097801f5f6ae75a0920b57914');
  const torsionSignature = hexToBytes('5866666666666666666666666666666666666666666666666666666666666666'
    + 'b770de2b7abdeb49ec3c260cf286dc2abc90d7468585affd1df14ac681cb680d');
  out.torsionKeyCofactored = noble.ed25519.verify(torsionSignature, message, torsionKey, { zip215: false });
  out.torsionKeyRefused = !e2e.verifySignature(torsionSignature, message, torsionKey);
  return out;
}
