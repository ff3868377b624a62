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
  return out;
}
