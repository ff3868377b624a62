// Run in the page by tests/browser/test_e2e_vectors.py (page.evaluate): feeds every vector
// file of tests/ballots/e2e_vectors/ to Asamblea.e2e and returns what the browser computed,
// as JSON, for the test to compare byte for byte with the stored values.
async (v) => {
  const e2e = Asamblea.e2e;
  const { bytesToHex, hexToBytes, sha256, utf8ToBytes } = noble;
  const refused = (action) => {
    try { action(); return null; } catch (error) { return error instanceof e2e.EncodingError ? error.message : `not an EncodingError: ${error}`; }
  };
  const ctx = (x) => e2e.context(hexToBytes(x.fingerprint), x.subject, hexToBytes(x.subject_key));
  const pairs = (list) => list.map((p, i) => e2e.decodePair(p, `proof[${i}]`));
  const out = {};

  // ristretto255.json: RFC 9496 A.1 multiples of G, A.2 encodings to refuse.
  out.multiples = v.ristretto.multiples.map((_, i) => e2e.pointHex(e2e.baseMul(BigInt(i))));
  out.multiplesDecoded = v.ristretto.multiples.map((h) => e2e.pointHex(e2e.decodePoint(h, 'p', true)));
  out.invalidRefused = v.ristretto.invalid.map((h) => refused(() => e2e.decodePoint(h, 'p', true)));
  out.identityRefused = refused(() => e2e.decodePoint('00'.repeat(32), 'p'));

  // primitives.json
  const p = v.primitives;
  const drbg = e2e.seededRandomness(p.drbg.seed);
  out.draws = p.drbg.draws.map(() => e2e.scalarHex(drbg.scalar()));
  out.keys = p.keys.map((k) => {
    const secret = e2e.seededRandomness(k.seed).scalar();
    return { seed: k.seed, secret: e2e.scalarHex(secret), public: e2e.pointHex(e2e.baseMul(secret)) };
  });
  out.encryptions = p.encryptions.map((enc) => {
    const ct = e2e.encrypt(e2e.decodePoint(enc.public_key, 'Y'), enc.message, e2e.decodeScalar(enc.randomness, 'r'));
    return { ...enc, alpha: e2e.pointHex(ct.alpha), beta: e2e.pointHex(ct.beta) };
  });
  out.challenges = p.challenges.map((ch) => ({ ...ch, challenge: e2e.scalarHex(e2e.challenge(
    ch.tag, ctx(ch), ch.statement.map(hexToBytes), ch.commitments.map(hexToBytes))) }));
  const s = p.schnorr;
  const sSecret = e2e.decodeScalar(s.secret, 'x');
  out.schnorr = e2e.proveSchnorr(s.tag, ctx(s), sSecret, e2e.seededRandomness(s.seed));
  out.schnorrVerifies = e2e.verifySchnorr(s.tag, ctx(s), e2e.decodePoint(s.public, 'X'), e2e.decodePair(s.proof, 'proof'));
  out.schnorrOtherSubject = e2e.verifySchnorr(s.tag, ctx({ ...s, subject: 'org-8' }), e2e.decodePoint(s.public, 'X'), e2e.decodePair(s.proof, 'proof'));
  const q = p.equality;
  const extraQ = q.extra.map(hexToBytes);
  out.equality = e2e.proveEquality(q.tag, ctx(q), e2e.decodeScalar(q.secret, 'x'), e2e.decodePoint(q.base, 'A'), extraQ, e2e.seededRandomness(q.seed));
  out.equalityVerifies = e2e.verifyEquality(q.tag, ctx(q), e2e.decodePoint(q.public, 'X'), e2e.decodePoint(q.base, 'A'), e2e.decodePoint(q.image, 'D'), extraQ, e2e.decodePair(q.proof, 'proof'));
  out.equalityOtherExtra = e2e.verifyEquality(q.tag, ctx(q), e2e.decodePoint(q.public, 'X'), e2e.decodePoint(q.base, 'A'), e2e.decodePoint(q.image, 'D'), [e2e.int8(6)], e2e.decodePair(q.proof, 'proof'));
  const o = p.one_of;
  const y = e2e.decodePoint(o.public_key, 'Y');
  const ct = { alpha: e2e.decodePoint(o.alpha, 'alpha'), beta: e2e.decodePoint(o.beta, 'beta') };
  const extraO = o.extra.map(hexToBytes);
  out.oneOf = e2e.proveOneOf(o.tag, ctx(o), y, ct, o.values, o.index, e2e.decodeScalar(o.randomness, 'r'), extraO, e2e.seededRandomness(o.seed));
  out.oneOfVerifies = e2e.verifyOneOf(o.tag, ctx(o), y, ct, o.values, extraO, pairs(o.proof));
  out.oneOfOtherValues = e2e.verifyOneOf(o.tag, ctx(o), y, ct, [...o.values.slice(0, -1), 9], extraO, pairs(o.proof));

  // ballots.json: each valid case made again from its seeds, signed, hashed, checked, opened.
  out.ballots = [];
  for (const c of v.ballots.valid) {
    const params = e2e.pollParams(c.poll);
    const signer = e2e.votingKeys.fromSeed(sha256(utf8ToBytes(c.voting_key_seed)));
    const right = { voter: c.voter, weight: c.weight, votingKey: bytesToHex(signer.publicKey), previous: null };
    const { ballot, opening } = e2e.encryptBallot(params, right, c.vote, e2e.seededRandomness(c.seed));
    const cast = { voter: c.voter, weight: c.weight, authorizedKey: c.voting_key, previous: null };
    out.ballots.push({
      fingerprint: params.fingerprintHex,
      votingKey: bytesToHex(signer.publicKey),
      canonical: e2e.canonicalJson(ballot),
      signature: await e2e.signBallot(ballot, signer),
      hash: e2e.ballotHash(ballot),
      opening,
      check: e2e.checkBallot(params, c.ballot, c.signature, cast),
      opened: e2e.checkOpening(params, c.ballot, c.opening, c.weight),
    });
  }
  out.invalid = v.ballots.invalid.map((bad) => {
    const c = v.ballots.valid[bad.case];
    const cast = { voter: bad.cast.voter, weight: bad.cast.weight, authorizedKey: bad.cast.authorized_key, previous: bad.cast.previous };
    return { name: bad.name, ...e2e.checkBallot(e2e.pollParams(c.poll), bad.ballot, bad.signature, cast) };
  });
  return out;
}
