// Evaluated in the page by bench/e2e_browser.py: installs window.benchE2E, whose calls the
// benchmark times one by one (wall time here, the main thread's CPU time from DevTools).
window.benchE2E = {
  // Once per page: a non-extractable WebCrypto voting key; then pollParams (which parses
  // poll.json, builds the tables for G and Y and warms the proof code up).
  async setup({ weight, vote }) {
    const e2e = Asamblea.e2e;
    const signer = await e2e.votingKeys.create('bench');
    const right = { voter: 'org-1', weight, votingKey: noble.bytesToHex(signer.publicKey), previous: null };
    this.state = { e2e, signer, right, vote, weight };
  },
  prepare(poll) {
    const t0 = performance.now();
    this.state.params = this.state.e2e.pollParams(poll);
    return performance.now() - t0;
  },
  // One ballot: encrypt + prove (device randomness) + sign.
  async ballot() {
    const { e2e, signer, right, params, vote } = this.state;
    const t0 = performance.now();
    const { ballot } = e2e.encryptBallot(params, right, vote, e2e.osRandomness());
    const signature = await e2e.signBallot(ballot, signer);
    const wall = performance.now() - t0;
    this.state.last = { ballot, signature };
    return { wall, size: e2e.canonicalJson({ ballot, signature }).length };
  },
  // The §6.4 checks of the last ballot, as a server or verifier would run them.
  check() {
    const { e2e, right, params, weight, last } = this.state;
    const cast = { voter: right.voter, weight, authorizedKey: right.votingKey, previous: null };
    const t0 = performance.now();
    const verdict = e2e.checkBallot(params, last.ballot, last.signature, cast);
    if (!verdict.ok) throw new Error(JSON.stringify(verdict));
    return performance.now() - t0;
  },
  // Baseline: one scalar multiplication of the election key.
  multiply() {
    const { e2e, params } = this.state;
    const k = e2e.osRandomness().scalar();
    const t0 = performance.now();
    params.electionKey.multiply(k);
    return performance.now() - t0;
  },
};
