/* Asamblea: reading a secret poll's audit bundle in the browser — bounded canonical JSON,
 * the roll, the key roll (§9.1), the ledger with every ballot checked and the counted ones
 * (§6.4, §9.2, §10.1), and the plain rules that decide a poll (quorum, majorities,
 * attendance: ballots/tally.py, docs/audit.md §3.3–3.5). The second implementation of
 * ballots/e2e/documents.py, ledger_check.py and the parts of ballots/lines.py and tally.py
 * a secret bundle uses. Needs asamblea-e2e.js and asamblea-e2e-verify.js first; adds
 * `Asamblea.e2eRecords` for asamblea-e2e-bundle.js.
 */
(function (global) {
  'use strict';

  const e2e = global.Asamblea.e2e;
  const V = global.Asamblea.e2eVerify;
  const { isObject, isInt, sameKeys, parseBallot } = e2e.internals;
  const { concatBytes, sha256 } = global.noble;
  const LIMITS = { 'result.json': 1 << 20, 'poll.json': 1 << 20, 'ceremony.json': 16 << 20,
    'decryption.jsonl': 16 << 20, 'keyroll.jsonl': 64 << 20 };
  const MAX_LINE = 4 << 20;
  const MAX_DEPTH = 16;
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  // ---- reading: bounded, canonical JSON (§11.3) --------------------------------------------

  function depthOf(value) {
    let best = 0;
    const stack = [[value, 1]];
    while (stack.length) {
      const [current, level] = stack.pop();
      best = Math.max(best, level);
      if (best > MAX_DEPTH) return best;
      if (current !== null && typeof current === 'object') for (const v of Object.values(current)) stack.push([v, level + 1]);
    }
    return best;
  }

  /** One canonical JSON text within `limit` bytes and MAX_DEPTH levels; throws a message. */
  function parseCanonical(bytes, what, limit) {
    if (bytes.length > limit) throw new Error(`${what} is larger than ${limit} bytes`);
    let text;
    let value;
    try {
      text = utf8.decode(bytes);
      value = JSON.parse(text);
    } catch (_) {
      throw new Error(`${what} is not UTF-8 JSON`);
    }
    if (depthOf(value) > MAX_DEPTH) throw new Error(`${what} is nested more than ${MAX_DEPTH} levels deep`);
    let canonical;
    try {
      canonical = e2e.canonicalJson(value);
    } catch (_) {
      canonical = null;
    }
    if (canonical !== text) throw new Error(`${what} is not in RFC 8785 canonical form`);
    return value;
  }

  /** The lines of a .jsonl file without their newlines, and whether it ends with one. */
  function splitLines(bytes) {
    if (bytes.length === 0) return { lines: [], terminated: true };
    const terminated = bytes[bytes.length - 1] === 0x0a;
    const body = terminated ? bytes.subarray(0, bytes.length - 1) : bytes;
    const lines = [];
    let start = 0;
    for (let i = 0; i <= body.length; i++) {
      if (i === body.length || body[i] === 0x0a) {
        lines.push(body.subarray(start, i));
        start = i + 1;
      }
    }
    return { lines, terminated };
  }

  /** Each line parsed, or an Error saying why not. */
  function parseLines(bytes, name, lineLimit) {
    const limit = LIMITS[name];
    if (limit !== undefined && bytes.length > limit) throw new Error(`${name} is larger than ${limit} bytes`);
    return splitLines(bytes).lines.map((line, n) => {
      try {
        return parseCanonical(line, `${name} line ${n + 1}`, lineLimit || limit || MAX_LINE);
      } catch (error) {
        return error;
      }
    });
  }

  // ---- the roll (plain bundle format, API.md §3 check 3) ------------------------------------

  function parseRoll(bytes) {
    const { lines, terminated } = splitLines(bytes);
    const problems = terminated ? [] : ['roll.jsonl does not end with a newline'];
    const entries = [];
    const seen = new Set();
    lines.forEach((line, n) => {
      let obj;
      try {
        obj = parseCanonical(line, `line ${n + 1}`, MAX_LINE);
      } catch (error) {
        problems.push(`roll.jsonl ${error.message}`);
        return;
      }
      const ok = isObject(obj) && sameKeys(obj, ['voter', 'weight', 'present', 'organization'])
        && typeof obj.voter === 'string' && obj.voter && !seen.has(obj.voter) && isInt(obj.weight) && obj.weight >= 1
        && typeof obj.present === 'boolean' && (obj.organization === null || typeof obj.organization === 'string');
      if (!ok) {
        problems.push(`roll.jsonl line ${n + 1}: not a valid, new voting right`);
        return;
      }
      seen.add(obj.voter);
      entries.push(obj);
    });
    return { entries, problems, complete: entries.length === lines.length };
  }

  // ---- the key roll (§9.1) -------------------------------------------------------------------

  const REASONS = ['registered', 'proxy', 're_registered', 'revoked'];
  function parseKeyRoll(bytes) {
    const problems = [];
    const byVoter = new Map();
    let events = [];
    try {
      events = parseLines(bytes, 'keyroll.jsonl');
    } catch (error) {
      return { problems: [error.message], events: null };
    }
    events.forEach((obj, index) => {
      const fail = (why) => problems.push(`keyroll.jsonl line ${index + 1}: ${why}`);
      if (obj instanceof Error) return fail(obj.message);
      if (!isObject(obj) || !sameKeys(obj, ['seq', 'voter', 'key', 'holder', 'reason', 'at'])) return fail('must have exactly at, holder, key, reason, seq, voter');
      if (obj.seq !== index) return fail(`seq is ${obj.seq}, expected ${index}`);
      if (typeof obj.voter !== 'string' || !obj.voter) return fail('voter must be a non-empty string');
      if (!['own', 'proxy'].includes(obj.holder) || !REASONS.includes(obj.reason) || typeof obj.at !== 'string') return fail('holder, reason or at is not one of the allowed values');
      if ((obj.key === null) !== (obj.reason === 'revoked')) return fail('key is null exactly when the reason is revoked');
      if (obj.key !== null && (typeof obj.key !== 'string' || !/^[0-9a-f]{64}$/.test(obj.key))) return fail('key must be 32 bytes of lower-case hex');
      if (obj.key !== null && !e2e.primeOrderKey(e2e.decodeHex(obj.key, 'key', 32))) return fail('key is not an Ed25519 key of prime order');
      byVoter.set(obj.voter, [...(byVoter.get(obj.voter) || []), obj]);
      return null;
    });
    /** The key the first `size` events authorize for `voter` (null: none). */
    const authorized = (voter, size) => {
      const mine = (byVoter.get(voter) || []).filter((event) => event.seq < size);
      return mine.length ? mine[mine.length - 1].key : null;
    };
    return { problems, events: problems.length ? null : events, authorized };
  }

  // ---- the ledger: RFC 6962 root, every ballot (§6.4, §9.2), the counted ones ---------------

  function merkleRoot(lines) {
    if (lines.length === 0) return sha256(new Uint8Array());
    let level = lines.map((line) => sha256(concatBytes(new Uint8Array([0]), line)));
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(sha256(concatBytes(new Uint8Array([1]), level[i], level[i + 1])));
      if (level.length % 2) next.push(level[level.length - 1]); // the unpaired right edge moves up
      level = next;
    }
    return level[0];
  }

  /** The checks of one ledger line on its own (format, poll, voter, signature, proofs). */
  function checkLine(params, weights, obj, seq) {
    const base = { seq, failure: null };
    if (obj instanceof Error) return { ...base, failure: ['ballot_format', obj.message] };
    let ballot;
    try {
      if (!isObject(obj) || !sameKeys(obj, ['seq', 'voter', 'cast_at', 'key_roll_size', 'ballot', 'signature'])) throw new e2e.EncodingError('must have exactly ballot, cast_at, key_roll_size, seq, signature, voter');
      if (obj.seq !== seq) throw new e2e.EncodingError(`seq is ${obj.seq}, expected ${seq}`);
      if (typeof obj.voter !== 'string' || !obj.voter || typeof obj.cast_at !== 'string') throw new e2e.EncodingError('voter and cast_at must be strings');
      if (!isInt(obj.key_roll_size) || obj.key_roll_size < 0) throw new e2e.EncodingError('key_roll_size must be an integer >= 0');
      e2e.decodeHex(obj.signature, 'signature', 64);
      ballot = parseBallot(params, obj.ballot);
    } catch (error) {
      if (error instanceof e2e.EncodingError) return { ...base, failure: ['ballot_format', `seq ${seq}: ${error.message}`] };
      throw error;
    }
    const line = { ...base, voter: obj.voter, key: obj.ballot.voting_key, previous: obj.ballot.previous,
      hash: e2e.ballotHash(obj.ballot), keyRollSize: obj.key_roll_size };
    const weight = weights.get(obj.voter);
    const cast = { voter: obj.voter, weight: weight === undefined ? null : weight, authorizedKey: obj.ballot.voting_key, previous: obj.ballot.previous };
    const verdict = e2e.checkBallot(params, obj.ballot, obj.signature, cast);
    if (!verdict.ok) return { ...line, failure: [verdict.check, `seq ${seq}: ${verdict.reason}`] };
    return { ...line, ciphertexts: V.optionCiphertexts(ballot) };
  }

  /** The checks of one line that depend on the ledger before it: the key the key roll
   * authorized at that point, and the right's chain of ballots. */
  function orderProblems(line, keyRoll, size, previous) {
    const { seq, voter } = line;
    const problems = [];
    if (line.keyRollSize < size || line.keyRollSize > keyRoll.events.length) problems.push(['ballot_key', `seq ${seq}: key_roll_size ${line.keyRollSize} is out of order or beyond the key roll`]);
    const authorized = keyRoll.authorized(voter, line.keyRollSize);
    if (authorized === null) problems.push(['ballot_key', `seq ${seq}: no key was registered for ${JSON.stringify(voter)}`]);
    else if (authorized !== line.key) problems.push(['ballot_key', `seq ${seq}: signed by a key that is not (or no longer) authorized for ${JSON.stringify(voter)}`]);
    if (line.previous !== previous) problems.push(['ballot_previous', `seq ${seq}: does not follow ${JSON.stringify(voter)}'s previous ballot (replayed or forked)`]);
    return problems;
  }

  /** Every ballot checked; the order-dependent checks (key at that point, each right's
   * chain); the counted ballots (the last when revotes are allowed, else the first). */
  function checkLedger(params, roll, keyRoll, lines) {
    const weights = new Map(roll.entries.map((e) => [e.voter, e.weight]));
    const failures = new Map();
    const fail = (check, message) => failures.set(check, [...(failures.get(check) || []), message]);
    const values = lines.map((line, n) => {
      try {
        return parseCanonical(line, `line ${n + 1}`, MAX_LINE);
      } catch (error) {
        return error;
      }
    });
    const lastHash = new Map();
    const counted = new Map();
    let size = 0;
    values.forEach((obj, seq) => {
      const line = checkLine(params, weights, obj, seq);
      if (line.failure) fail(...line.failure);
      if (line.voter === undefined) return;
      const problems = orderProblems(line, keyRoll, size, lastHash.get(line.voter) || null);
      problems.forEach((problem) => fail(...problem));
      size = Math.max(size, line.keyRollSize);
      lastHash.set(line.voter, line.hash);
      // Only a ballot that passes every check counts (a bundle with another fails anyway).
      if (!line.failure && !problems.length && weights.has(line.voter) && (params.json.poll.allow_revote || !counted.has(line.voter))) counted.set(line.voter, line);
    });
    const ballots = [...counted.values()].map((line) => ({ weight: weights.get(line.voter), ciphertexts: line.ciphertexts }));
    return { failures, counted: new Set(counted.keys()), aggregates: V.encryptedTally(params.options, params.divided, ballots) };
  }

  // ---- the plain rules: attendance, quorum, outcome (docs/audit.md §3.3–3.5) -------------

  const atLeast = (part, pct, whole) => part * 100 >= pct * whole;

  function attendance(entries, counted) {
    const present = entries.filter((e) => e.present || counted.has(e.voter));
    return { totalWeight: entries.reduce((a, e) => a + e.weight, 0), totalOrganizations: entries.length,
      presentWeight: present.reduce((a, e) => a + e.weight, 0), presentOrganizations: present.length };
  }

  function quorumMet(rules, seen) {
    const parts = [];
    if (rules.quorum_weight_pct) parts.push(atLeast(seen.presentWeight, rules.quorum_weight_pct, seen.totalWeight));
    if (rules.quorum_orgs_pct) parts.push(atLeast(seen.presentOrganizations, rules.quorum_orgs_pct, seen.totalOrganizations));
    if (!parts.length) return true;
    return rules.quorum_mode === 'and' ? parts.every(Boolean) : parts.some(Boolean);
  }

  function qualifies(rules, weight, orgs, base, presentWeight) {
    if (weight <= 0) return false;
    if (rules.majority === 'absolute') return weight * 2 > presentWeight;
    if (rules.majority === 'two_thirds') return weight * 3 >= base.weight * 2;
    if (rules.majority === 'unanimity') return weight === base.weight;
    if (rules.majority === 'double') return atLeast(weight, rules.double_weight_pct, base.weight) && atLeast(orgs, rules.double_orgs_pct, base.organizations);
    return true; // "simple": plurality among candidates, no threshold
  }

  /** quorum_met and outcome from the decrypted tally, as ballots.tally.decide does. */
  function decide(poll, seen, tally, cast) {
    const rules = poll.rules;
    if (!quorumMet(rules, seen)) return { quorumMet: false, outcome: 'no_quorum' };
    const abstain = tally.abstain || { weight: 0, organizations: 0 };
    const base = rules.abstentions_count ? { ...cast }
      : { weight: cast.weight - abstain.weight, organizations: cast.organizations - (abstain.organizations || 0) };
    if (poll.method === 'yes_no_abstain') {
      const yes = tally.yes;
      if (rules.majority !== 'simple') return { quorumMet: true, outcome: qualifies(rules, yes.weight, yes.organizations || 0, base, seen.presentWeight) ? 'adopted' : 'rejected' };
      if (yes.weight * 2 > base.weight) return { quorumMet: true, outcome: 'adopted' };
      if (yes.weight * 2 === base.weight && base.weight > 0) return { quorumMet: true, outcome: rules.tie === 'chair' ? 'tie' : 'rejected' };
      return { quorumMet: true, outcome: 'rejected' };
    }
    const qualified = poll.options.filter((key) => key !== 'abstain'
      && qualifies(rules, tally[key].weight, tally[key].organizations || 0, base, seen.presentWeight));
    let elected = qualified;
    let tied = [];
    if (qualified.length > poll.max_choices) {
      const cutoff = qualified.map((key) => tally[key].weight).sort((a, b) => b - a)[poll.max_choices - 1];
      const above = qualified.filter((key) => tally[key].weight > cutoff);
      const at = qualified.filter((key) => tally[key].weight === cutoff);
      if (above.length + at.length === poll.max_choices) elected = qualified.filter((key) => tally[key].weight >= cutoff);
      else [elected, tied] = [above, at];
    }
    if (tied.length && rules.tie === 'chair') return { quorumMet: true, outcome: 'tie' };
    return { quorumMet: true, outcome: elected.length ? `elected:${elected.join(',')}` : 'none' };
  }

  global.Asamblea.e2eRecords = Object.freeze({
    LIMITS, MAX_LINE, utf8, parseCanonical, splitLines, parseLines, parseRoll, parseKeyRoll,
    merkleRoot, checkLedger, attendance, decide,
  });
})(globalThis);
