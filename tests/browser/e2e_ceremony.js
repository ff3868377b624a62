// Run in the page by tests/browser/test_e2e_ceremony.py: judges key-ceremony transcripts
// and checks the threshold decryption of ceremony.json (docs/e2e-protocol.md §7, §10) with
// Asamblea.e2eVerify, returning what the browser concluded.
({ vector, transcripts, forged }) => {
  const e2e = Asamblea.e2e;
  const verify = Asamblea.e2eVerify;
  const out = {};
  const outcome = verify.ceremonyOutcome(vector.ceremony);
  out.trustees = outcome.trustees;
  out.excluded = outcome.excluded;
  const trustees = e2e.parseTrustees(outcome.trustees);
  out.electionKey = e2e.pointHex(trustees.electionKey);
  out.verificationKeys = Object.fromEntries([1, 2, 3].map((i) => [String(i), e2e.pointHex(trustees.verificationKey(i))]));
  out.sharesMatchKeys = Object.entries(vector.secret_shares).map(([i, s]) =>
    e2e.baseMul(e2e.decodeScalar(s, 'share')).equals(trustees.verificationKey(Number(i))));

  // Decryption: both trustees' shares checked, combined by Lagrange, the total found.
  const d = vector.decryption;
  const ct = { alpha: e2e.decodePoint(d.ciphertext.alpha, 'alpha'), beta: e2e.decodePoint(d.ciphertext.beta, 'beta') };
  const aggregates = [{ option: d.options[0], optionIndex: 0, kind: 'weight', ct }];
  const shares = new Map();
  for (const signed of d.shares) {
    const read = verify.readShares(outcome.setup, d.poll, trustees, signed, aggregates);
    shares.set(read.index, read.shares[0]);
  }
  out.shareIndices = [...shares.keys()];
  out.total = verify.boundedDlog(verify.combine(ct, shares, trustees.threshold), 1000);
  out.totalOutOfBound = verify.boundedDlog(verify.combine(ct, shares, trustees.threshold), 41);
  out.oneShareOnly = (() => {
    try { verify.combine(ct, new Map([[1, shares.get(1)]]), 2); return null; } catch (error) { return [error.check, error.message]; }
  })();
  const refusal = (signed, poll = d.poll) => {
    try { verify.readShares(outcome.setup, poll, trustees, signed, aggregates); return null; } catch (error) { return [error.check, error.message]; }
  };
  const copy = (x) => JSON.parse(JSON.stringify(x));
  const swapped = copy(d.shares[0]);
  swapped.message.shares[0].share = d.shares[1].message.shares[0].share;
  out.refusals = [
    refusal(swapped), // re-signing is not possible here: the signature fails first
    refusal(d.shares[0], '08'.repeat(32)),
    refusal({ ...d.shares[0], signature: d.shares[1].signature }),
    refusal(forged), // trustee 3's share presented, and signed, by trustee 1
  ];
  // Other transcripts (a cheating dealer, a bad signature, too few dealers, a false alarm),
  // made by the Python reference: the browser must reach the same outcome.
  out.others = transcripts.map((t) => {
    const o = verify.ceremonyOutcome(t);
    return { trustees: o.trustees, excluded: o.excluded, setAside: o.setAside };
  });
  return out;
}
