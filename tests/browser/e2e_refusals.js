// Run in the page by tests/browser/test_e2e_refusals.py: ballots made in the browser with
// the device's randomness, then tampered with; returns, per tampering, the check that
// refused it (or what was thrown), for the test to compare with the protocol's §6.4.
async ({ cases, invalidPoint }) => {
  const e2e = Asamblea.e2e;
  const { bytesToHex, sha256, utf8ToBytes } = noble;
  const copy = (x) => JSON.parse(JSON.stringify(x));
  const out = {};

  async function made(c, signer, vote, previous = null) {
    const params = e2e.pollParams(c.poll);
    const right = { voter: c.voter, weight: c.weight, votingKey: bytesToHex(signer.publicKey), previous };
    const { ballot, opening } = e2e.encryptBallot(params, right, vote, e2e.osRandomness());
    return { params, ballot, opening, signature: await e2e.signBallot(ballot, signer) };
  }
  const [yna, , multiple, , divided] = cases;
  const signer = e2e.votingKeys.fromSeed(sha256(utf8ToBytes('tamper')));
  const other = e2e.votingKeys.fromSeed(sha256(utf8ToBytes('someone else')));
  const key = bytesToHex(signer.publicKey);
  const castFor = (c, extra = {}) => ({ voter: c.voter, weight: c.weight, authorizedKey: key, previous: null, ...extra });

  // Re-sign a changed ballot with the right key: only the check under test can refuse it.
  async function tampered(m, change, cast) {
    const ballot = copy(m.ballot);
    change(ballot);
    const signature = await e2e.signBallot(ballot, signer);
    return e2e.checkBallot(m.params, ballot, signature, cast);
  }

  const m = await made(yna, signer, { choice: 'yes' });
  out.fresh = e2e.checkBallot(m.params, m.ballot, m.signature, castFor(yna));
  out.offGroup = await tampered(m, (b) => { b.choices[0].alpha = invalidPoint; }, castFor(yna));
  out.identity = await tampered(m, (b) => { b.choices[1].beta = '00'.repeat(32); }, castFor(yna));
  out.nonCanonical = await tampered(m, (b) => { b.choices[2].alpha = 'ed' + 'ff'.repeat(30) + '7f'; }, castFor(yna));
  out.upperCase = await tampered(m, (b) => { b.choices[0].beta = b.choices[0].beta.toUpperCase(); }, castFor(yna));
  out.scalarNotReduced = await tampered(m, (b) => { b.choices[0].proof[1].c = 'ff'.repeat(32); }, castFor(yna));
  // A voting key with a torsion component (docs/e2e-protocol.md §2): refused as malformed.
  const torsionKey = '85b3f2ac54bb21b92ad954b2cc4a6b845462885097801f5f6ae75a0920b57914';
  const withTorsionKey = { ...copy(m.ballot), voting_key: torsionKey };
  out.torsionKey = e2e.checkBallot(m.params, withTorsionKey, bytesToHex(await signer.sign(e2e.ballotBytes(withTorsionKey))),
    castFor(yna, { authorizedKey: torsionKey }));
  out.extraField = await tampered(m, (b) => { b.note = 'x'; }, castFor(yna));
  out.otherPoll = await tampered(m, (b) => { b.poll = multiple.fingerprint; }, castFor(yna));
  // The same ballot cast for another right: the voter field says who it is for …
  out.otherRightAsIs = e2e.checkBallot(m.params, m.ballot, m.signature, castFor(yna, { voter: 'org-9' }));
  // … and renaming it breaks every proof, which hashes the voting right (strong Fiat–Shamir).
  out.otherRightRenamed = await tampered(m, (b) => { b.voter = 'org-9'; }, castFor(yna, { voter: 'org-9' }));
  out.notOnRoll = e2e.checkBallot(m.params, m.ballot, m.signature, castFor(yna, { weight: null }));
  out.noKey = e2e.checkBallot(m.params, m.ballot, m.signature, castFor(yna, { authorizedKey: null }));
  out.supersededKey = e2e.checkBallot(m.params, m.ballot, m.signature, castFor(yna, { authorizedKey: bytesToHex(other.publicKey) }));
  out.replayed = e2e.checkBallot(m.params, m.ballot, m.signature, castFor(yna, { previous: e2e.ballotHash(m.ballot) }));
  out.signedByOther = e2e.checkBallot(m.params, m.ballot, bytesToHex(await other.sign(e2e.ballotBytes(m.ballot))), castFor(yna));
  out.badSignature = e2e.checkBallot(m.params, m.ballot, '00'.repeat(64), castFor(yna));
  // Two options at once: a valid-looking 0/1 on every option, but they add up to 2.
  const second = await made(yna, signer, { choice: 'no' });
  out.twoOptions = await tampered(m, (b) => { b.choices[1] = second.ballot.choices[1]; }, castFor(yna));

  // "Multiple": too many or abstain plus a name are refused when making the ballot.
  out.voteRefusals = [];
  for (const [c, vote] of [[multiple, { choices: ['ana', 'bruno', 'carla'] }], [multiple, { choices: ['ana', 'abstain'] }],
    [yna, { choice: 'maybe' }], [yna, { choices: ['yes'] }], [yna, { split: { yes: 1 } }],
    [divided, { split: { yes: 4 } }], [divided, { split: { yes: 6, no: -1 } }], [divided, { split: { yes: 4.5, no: 0.5 } }]]) {
    try { await made(c, signer, vote); out.voteRefusals.push(null); } catch (error) { out.voteRefusals.push(error instanceof e2e.VoteError ? 'VoteError' : String(error)); }
  }
  const k = await made(multiple, signer, { choices: ['bruno', 'carla'] });
  out.multipleFresh = e2e.checkBallot(k.params, k.ballot, k.signature, castFor(multiple));
  const three = await made(multiple, signer, { choices: ['ana'] });
  out.multipleThree = await tampered(k, (b) => { b.choices[0] = three.ballot.choices[0]; }, castFor(multiple));

  // Divided votes: the weight is the right's, checked by the range and sum proofs.
  const d = await made(divided, signer, { split: { yes: 2, no: 2, abstain: 1 } });
  out.dividedFresh = e2e.checkBallot(d.params, d.ballot, d.signature, castFor(divided));
  out.dividedOtherWeight = e2e.checkBallot(d.params, d.ballot, d.signature, castFor(divided, { weight: 4 }));
  out.dividedHeavier = e2e.checkBallot(d.params, d.ballot, d.signature, castFor(divided, { weight: 6 }));
  out.dividedOpened = e2e.checkOpening(d.params, d.ballot, d.opening, divided.weight).vote;
  const whole = await made(divided, signer, { choice: 'no' });
  out.dividedWhole = e2e.checkOpening(whole.params, whole.ballot, whole.opening, divided.weight).vote;
  const moved = await made(divided, signer, { split: { yes: 5 } });
  out.dividedPartSwapped = await tampered(d, (b) => { b.parts[0] = moved.ballot.parts[0]; }, castFor(divided));

  // The Benaloh challenge: the page's own opening checks; a changed one does not.
  out.opened = e2e.checkOpening(m.params, m.ballot, m.opening);
  const lie = copy(m.opening);
  lie.messages = [0, 1, 0];
  out.openedLie = e2e.checkOpening(m.params, m.ballot, lie);
  const shortOpening = { messages: m.opening.messages.slice(1), randomness: m.opening.randomness.slice(1) };
  out.openedShort = e2e.checkOpening(m.params, m.ballot, shortOpening);
  // poll.json: anything but the full, exact parameters is refused (the fingerprint hashes them).
  const pollChanges = [
    (poll) => { delete poll.poll.rules.tie; },
    (poll) => { poll.poll.options = []; },
    (poll) => { poll.election_key = e2e.pointHex(e2e.baseMul(1n)); }, // G: a valid point, not Y
    (poll) => { poll.trustees.commitments[0].coefficients[0] = '00'.repeat(32); },
    (poll) => { poll.format = 'asamblea.e2e-poll/2'; },
    (poll) => { poll.poll.secret = false; },
  ];
  out.pollRefusals = pollChanges.map((change) => {
    const poll = copy(yna.poll);
    change(poll);
    try { e2e.pollParams(poll); return null; } catch (error) { return error instanceof e2e.EncodingError ? error.message : String(error); }
  });
  out.wrongSigner = await e2e.signBallot(m.ballot, other).then(() => 'signed', (error) => error.message);
  return out;
}
