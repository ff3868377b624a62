// Run in the page by bench/e2e_browser.py: times pollParams (once per page: it builds the
// tables for G and Y), then encryptBallot + signBallot with the device's randomness and a
// non-extractable WebCrypto voting key, and one §6.4 check of the first ballot.
async ({ poll, weight, vote, runs }) => {
  const e2e = Asamblea.e2e;
  const signer = await e2e.votingKeys.create('bench');
  const right = { voter: 'org-1', weight, votingKey: noble.bytesToHex(signer.publicKey), previous: null };
  const t = performance.now();
  const params = e2e.pollParams(poll);
  const prepare = performance.now() - t;
  const times = [];
  let size = 0;
  let check = 0;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const { ballot } = e2e.encryptBallot(params, right, vote, e2e.osRandomness());
    const signature = await e2e.signBallot(ballot, signer);
    times.push(performance.now() - t0);
    if (i === 0) {
      size = e2e.canonicalJson({ ballot, signature }).length;
      const cast = { voter: 'org-1', weight, authorizedKey: right.votingKey, previous: null };
      const t1 = performance.now();
      const verdict = e2e.checkBallot(params, ballot, signature, cast);
      check = performance.now() - t1;
      if (!verdict.ok) throw new Error(JSON.stringify(verdict));
    }
  }
  const y = params.electionKey;
  const base = [];
  for (let i = 0; i < 50; i++) {
    const k = e2e.osRandomness().scalar();
    const t0 = performance.now();
    y.multiply(k);
    base.push(performance.now() - t0);
  }
  return { prepare, first: times[0], rest: times.slice(1), check, size, base };
}
