/* Asamblea: verifying a secret poll's audit bundle (`asamblea.e2e-result/1`) in the
 * browser — every check of docs/e2e-protocol.md §11.3, by the same names as `asamblea
 * verify`, so that the page and the CLI can be compared check by check. The second
 * implementation of ballots/e2e/checks.py, ledger_check.py and the plain rules it reuses
 * (ballots/tally.py: quorum, majorities, attendance; docs/audit.md §3.3–3.5). Needs
 * noble.js, asamblea-e2e.js, noble-verify.js and asamblea-e2e-verify.js first; adds
 * `Asamblea.e2eBundle.verify(files)`.
 */
(function (global) {
  'use strict';

  const e2e = global.Asamblea.e2e;
  const V = global.Asamblea.e2eVerify;
  const { isObject, isInt, sameKeys, parseBallot } = e2e.internals;
  const { bytesToHex, concatBytes, sha256, utf8ToBytes } = global.noble;
  const FORMAT = 'asamblea.e2e-result/1';
  const RESULT_FIELDS = ['format', 'assembly', 'poll', 'poll_fingerprint', 'roll', 'key_roll', 'ledger',
    'ceremony', 'decryption', 'tally', 'cast', 'quorum_met', 'outcome', 'opened_at', 'closed_at', 'signing_key'];
  const BALLOT_CHECKS = ['ballot_format', 'ballot_poll', 'ballot_voter', 'ballot_key', 'ballot_previous',
    'ballot_signature', 'ballot_proof', 'ballot_sum', 'ballot_range'];
  const LIMITS = { 'result.json': 1 << 20, 'poll.json': 1 << 20, 'ceremony.json': 16 << 20,
    'decryption.jsonl': 16 << 20, 'keyroll.jsonl': 64 << 20 };
  const MAX_LINE = 4 << 20;
  const MAX_DEPTH = 16;
  const MAX_EXAMPLES = 5;
  const SPKI_ED25519 = '302a300506032b6570032100'; // RFC 8410 SubjectPublicKeyInfo prefix
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  /** A check cannot run: something it needs is unreadable (reported as that check failing). */
  class Unavailable extends Error {}
  const sha256Hex = (bytes) => bytesToHex(sha256(bytes));

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
      if (line.keyRollSize < size || line.keyRollSize > keyRoll.events.length) fail('ballot_key', `seq ${seq}: key_roll_size ${line.keyRollSize} is out of order or beyond the key roll`);
      size = Math.max(size, line.keyRollSize);
      const authorized = keyRoll.authorized(line.voter, line.keyRollSize);
      if (authorized === null) fail('ballot_key', `seq ${seq}: no key was registered for ${JSON.stringify(line.voter)}`);
      else if (authorized !== line.key) fail('ballot_key', `seq ${seq}: signed by a key that is not (or no longer) authorized for ${JSON.stringify(line.voter)}`);
      if (line.previous !== (lastHash.get(line.voter) || null)) fail('ballot_previous', `seq ${seq}: does not follow ${JSON.stringify(line.voter)}'s previous ballot (replayed or forked)`);
      lastHash.set(line.voter, line.hash);
      if (!line.failure && weights.has(line.voter) && (params.json.poll.allow_revote || !counted.has(line.voter))) counted.set(line.voter, line);
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

  // ---- the checks ---------------------------------------------------------------------------

  function get(result, path, kind) {
    let current = result;
    path.split('.').forEach((key, depth, keys) => {
      if (!isObject(current) || !(key in current)) throw new Unavailable(`result.json has no ${keys.slice(0, depth + 1).join('.')}`);
      current = current[key];
    });
    const ok = { str: typeof current === 'string', int: isInt(current), bool: typeof current === 'boolean',
      list: Array.isArray(current), dict: isObject(current) }[kind];
    if (!ok) throw new Unavailable(`result.json ${path} has the wrong type`);
    return current;
  }
  const compare = (label, claimed, actual, source = 'recount gives') => (
    claimed === actual ? [] : [`${label}: bundle says ${JSON.stringify(claimed)}, ${source} ${JSON.stringify(actual)}`]);

  /** The Ed25519 key of a SubjectPublicKeyInfo PEM (RFC 8410), and its fingerprint (SHA-256
   * of the DER, API.md §3 check 2). */
  function loadPem(bytes) {
    let der = null;
    try {
      const text = utf8.decode(bytes).trim();
      const match = /^-----BEGIN PUBLIC KEY-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----$/.exec(text);
      der = match && Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
    } catch (_) {
      der = null; // not UTF-8, or not base64
    }
    if (!der || der.length !== 44 || bytesToHex(der.subarray(0, 12)) !== SPKI_ED25519) throw new Unavailable('signing-key.pem: not an Ed25519 public key (SubjectPublicKeyInfo PEM)');
    return { key: der.subarray(12), fingerprint: sha256Hex(der) };
  }

  function makeContext(files) {
    const ctx = { files, cache: {} };
    const once = (name, build) => () => {
      if (!(name in ctx.cache)) {
        try {
          ctx.cache[name] = { value: build() };
        } catch (error) {
          ctx.cache[name] = { error };
        }
      }
      if (ctx.cache[name].error) throw ctx.cache[name].error;
      return ctx.cache[name].value;
    };
    const document = (name) => once(name, () => {
      try {
        return parseCanonical(files[name], name, LIMITS[name]);
      } catch (error) {
        throw new Unavailable(`${name} is unreadable: ${error.message}`);
      }
    });
    ctx.result = once('result', () => {
      const result = document('result.json')();
      if (!isObject(result)) throw new Unavailable('result.json is not a JSON object');
      return result;
    });
    ctx.params = once('params', () => {
      const poll = document('poll.json')();
      try {
        return e2e.pollParams(poll);
      } catch (error) {
        throw new Unavailable(`poll.json: ${error.message}`);
      }
    });
    ctx.roll = once('roll', () => parseRoll(files['roll.jsonl']));
    ctx.completeRoll = () => {
      if (!ctx.roll().complete) throw new Unavailable('roll.jsonl has malformed lines (see roll_format)');
      return ctx.roll();
    };
    ctx.keyRoll = once('keyroll', () => parseKeyRoll(files['keyroll.jsonl']));
    ctx.validKeyRoll = () => {
      if (!ctx.keyRoll().events) throw new Unavailable('keyroll.jsonl is malformed (see key_roll)');
      return ctx.keyRoll();
    };
    ctx.transcript = document('ceremony.json');
    ctx.setup = once('setup', () => {
      const transcript = ctx.transcript();
      if (!isObject(transcript) || !('setup' in transcript)) throw new Unavailable('ceremony.json has no setup');
      try {
        return V.parseSetup(transcript.setup);
      } catch (error) {
        throw new Unavailable(`ceremony.json setup: ${error.message}`);
      }
    });
    ctx.ledgerLines = once('lines', () => splitLines(files['ballots.jsonl']).lines);
    ctx.ledger = once('ledger', () => checkLedger(ctx.params(), ctx.completeRoll(), ctx.validKeyRoll(), ctx.ledgerLines()));
    ctx.shares = once('shares', () => validShares(ctx));
    ctx.totals = once('totals', () => decryptTotals(ctx));
    return ctx;
  }

  /** The valid trustee shares (one per trustee, by index) and the problems of the others. */
  function validShares(ctx) {
    let messages;
    try {
      messages = parseLines(ctx.files['decryption.jsonl'], 'decryption.jsonl');
    } catch (error) {
      return { good: [], problems: [error.message] };
    }
    const params = ctx.params();
    const setup = ctx.setup();
    const aggregates = ctx.ledger().aggregates;
    const good = new Map();
    const problems = [];
    messages.forEach((message, n) => {
      if (message instanceof Error) return problems.push(`line ${n + 1}: ${message.message}`);
      try {
        const read = V.readShares(setup, params.fingerprintHex, params.trustees, message, aggregates);
        if (good.has(read.index)) problems.push(`trustee ${read.index} gave its shares twice`);
        good.set(read.index, read);
      } catch (error) {
        if (!(error instanceof V.CheckError)) throw error;
        problems.push(error.message);
      }
      return null;
    });
    return { good: [...good.keys()].sort((a, b) => a - b).map((i) => good.get(i)), problems };
  }

  /** The totals from the first k valid trustees' shares (§10.3). */
  function decryptTotals(ctx) {
    const params = ctx.params();
    const entries = ctx.completeRoll().entries;
    const { good } = ctx.shares();
    const k = params.trustees.threshold;
    if (good.length < k) throw new Unavailable(`${k} valid decryption shares are needed, ${good.length} given`);
    const chosen = good.slice(0, k);
    const tally = Object.fromEntries(params.options.map((key) => [key, { weight: 0, organizations: null }]));
    ctx.ledger().aggregates.forEach((aggregate, n) => {
      const point = V.combine(aggregate.ct, new Map(chosen.map((s) => [s.index, s.shares[n]])), k);
      const bound = aggregate.kind === 'weight' ? entries.reduce((a, e) => a + e.weight, 0) : entries.length;
      const value = V.boundedDlog(point, bound);
      if (value === null) throw new Unavailable(`the ${aggregate.kind} total of ${aggregate.option} is not between 0 and ${bound}`);
      tally[aggregate.option][aggregate.kind] = value;
    });
    return { tally, trustees: chosen.map((s) => s.index) };
  }

  const CHECKS = {
    result_format(ctx) {
      const result = ctx.result();
      const problems = RESULT_FIELDS.filter((name) => !(name in result)).map((name) => `missing field ${name}`);
      if (result.format !== FORMAT) problems.push(`format is ${JSON.stringify(result.format)}, expected ${JSON.stringify(FORMAT)}`);
      return problems;
    },
    signature(ctx) {
      let pem;
      try {
        pem = loadPem(ctx.files['signing-key.pem']);
      } catch (error) {
        return [error.message];
      }
      const signature = ctx.files['result.json.sig'];
      if (signature.length !== 64) return [`result.json.sig is ${signature.length} bytes, an Ed25519 signature is 64`];
      return e2e.verifySignature(signature, ctx.files['result.json'], pem.key) ? [] : ['result.json.sig is not a valid signature of result.json by signing-key.pem'];
    },
    signing_key(ctx) {
      const claimed = get(ctx.result(), 'signing_key.sha256', 'str');
      const actual = loadPem(ctx.files['signing-key.pem']).fingerprint;
      return claimed === actual ? [] : [`signing_key.sha256 is ${claimed}, signing-key.pem has fingerprint ${actual}`];
    },
    poll(ctx) {
      const params = ctx.params();
      const result = ctx.result();
      const problems = [];
      if (e2e.canonicalJson(result.poll === undefined ? null : result.poll) !== e2e.canonicalJson(params.json.poll)) problems.push('result.poll differs from poll.json\u2019s poll');
      const fingerprint = sha256Hex(ctx.files['poll.json']);
      if (result.poll_fingerprint !== fingerprint) problems.push(`poll_fingerprint is not SHA-256 of poll.json (${fingerprint})`);
      if (params.fingerprintHex !== fingerprint) problems.push('poll.json is not in canonical form');
      if (params.json.roll.sha256 !== sha256Hex(ctx.files['roll.jsonl'])) problems.push('poll.json roll.sha256 is not the hash of roll.jsonl');
      return problems;
    },
    ceremony(ctx) {
      const setup = ctx.setup();
      const params = ctx.params();
      const result = ctx.result();
      const transcript = ctx.transcript();
      if (!sameKeys(transcript, ['setup', 'cards', 'dealings', 'complaints'])) return ['ceremony.json must have exactly setup, cards, dealings, complaints'];
      if (!['cards', 'dealings', 'complaints'].every((k) => Array.isArray(transcript[k]))) return ['ceremony.json cards, dealings and complaints must be lists'];
      const problems = compare('ceremony.sha256', get(result, 'ceremony.sha256', 'str'), sha256Hex(ctx.files['ceremony.json']), 'ceremony.json hashes to');
      if (bytesToHex(params.trustees.ceremony) !== setup.fingerprintHex) problems.push('poll.json names another ceremony');
      const judged = V.ceremonyOutcome(transcript);
      if (e2e.canonicalJson(judged.trustees) !== e2e.canonicalJson(params.json.trustees)) {
        const excluded = Object.keys(judged.excluded).length ? ` (excluded: ${JSON.stringify(judged.excluded)})` : '';
        problems.push(`the ceremony's outcome is not poll.json's trustees${excluded}`);
      }
      return problems;
    },
    roll_format: (ctx) => ctx.roll().problems.slice(0, 10),
    roll(ctx) {
      const result = ctx.result();
      const entries = ctx.completeRoll().entries;
      return [
        ...compare('roll.sha256', get(result, 'roll.sha256', 'str'), sha256Hex(ctx.files['roll.jsonl']), 'roll.jsonl hashes to'),
        ...compare('roll.total_weight', get(result, 'roll.total_weight', 'int'), entries.reduce((a, e) => a + e.weight, 0), 'roll.jsonl weights sum to'),
        ...compare('roll.voting_rights', get(result, 'roll.voting_rights', 'int'), entries.length, 'roll.jsonl lines:'),
      ];
    },
    key_roll(ctx) {
      if (ctx.keyRoll().problems.length) return ctx.keyRoll().problems.slice(0, 10);
      const result = ctx.result();
      const events = ctx.validKeyRoll().events;
      const onRoll = new Set(ctx.completeRoll().entries.map((e) => e.voter));
      return [
        ...events.filter((e) => !onRoll.has(e.voter)).slice(0, 10).map((e) => `keyroll.jsonl seq ${e.seq}: ${JSON.stringify(e.voter)} is not on the roll`),
        ...compare('key_roll.sha256', get(result, 'key_roll.sha256', 'str'), sha256Hex(ctx.files['keyroll.jsonl']), 'keyroll.jsonl hashes to'),
        ...compare('key_roll.size', get(result, 'key_roll.size', 'int'), events.length, 'keyroll.jsonl lines:'),
      ];
    },
    ledger(ctx) {
      const result = ctx.result();
      const lines = ctx.ledgerLines();
      const problems = compare('ledger.tree_size', get(result, 'ledger.tree_size', 'int'), lines.length, 'ballots.jsonl lines:');
      const actual = bytesToHex(merkleRoot(lines));
      if (get(result, 'ledger.root', 'str') !== actual) problems.push(`ledger.root is not the Merkle root of ballots.jsonl (${actual})`);
      const data = ctx.files['ballots.jsonl'];
      if (data.length && data[data.length - 1] !== 0x0a) problems.push('ballots.jsonl does not end with a newline');
      return problems;
    },
    decryption_shares(ctx) {
      const { good, problems } = ctx.shares();
      const result = ctx.result();
      const out = [...problems, ...compare('decryption.sha256', get(result, 'decryption.sha256', 'str'), sha256Hex(ctx.files['decryption.jsonl']), 'decryption.jsonl hashes to')];
      const k = ctx.params().trustees.threshold;
      if (good.length < k) out.push(`${k} valid decryption shares are needed, ${good.length} given`);
      else if (e2e.canonicalJson(get(result, 'decryption.trustees', 'list')) !== e2e.canonicalJson(good.slice(0, k).map((s) => s.index))) out.push('decryption.trustees are not the first k valid');
      return out;
    },
    tally(ctx) {
      const result = ctx.result();
      const params = ctx.params();
      const { tally } = ctx.totals();
      const claimed = get(result, 'tally', 'dict');
      const problems = Object.keys(claimed).filter((k) => !params.options.includes(k)).sort().map((k) => `tally has ${JSON.stringify(k)}, not an option`);
      for (const key of params.options) {
        if (e2e.canonicalJson(claimed[key] === undefined ? null : claimed[key]) !== e2e.canonicalJson(tally[key])) problems.push(`tally for ${JSON.stringify(key)}: bundle says ${JSON.stringify(claimed[key])}, decryption gives ${JSON.stringify(tally[key])}`);
      }
      const counted = ctx.ledger().counted;
      const weights = new Map(ctx.completeRoll().entries.map((e) => [e.voter, e.weight]));
      problems.push(...compare('cast.weight', get(result, 'cast.weight', 'int'), [...counted].reduce((a, v) => a + weights.get(v), 0)));
      problems.push(...compare('cast.organizations', get(result, 'cast.organizations', 'int'), counted.size));
      return problems;
    },
    outcome(ctx) {
      const result = ctx.result();
      const poll = ctx.params().json.poll;
      const entries = ctx.completeRoll().entries;
      const counted = ctx.ledger().counted;
      const weights = new Map(entries.map((e) => [e.voter, e.weight]));
      const { tally } = ctx.totals();
      const cast = { weight: [...counted].reduce((a, v) => a + weights.get(v), 0), organizations: counted.size };
      const seen = attendance(entries, counted);
      const decision = decide(poll, seen, tally, cast);
      return [
        ...compare('quorum_met', get(result, 'quorum_met', 'bool'), decision.quorumMet),
        ...compare('outcome', get(result, 'outcome', 'str'), decision.outcome),
        ...compare('roll.present_weight', get(result, 'roll.present_weight', 'int'), seen.presentWeight),
        ...compare('roll.present_organizations', get(result, 'roll.present_organizations', 'int'), seen.presentOrganizations),
      ];
    },
  };
  for (const name of BALLOT_CHECKS) {
    CHECKS[name] = (ctx) => {
      const examples = ctx.ledger().failures.get(name) || [];
      return examples.length > MAX_EXAMPLES ? [...examples.slice(0, MAX_EXAMPLES), `and ${examples.length - MAX_EXAMPLES} more`] : examples;
    };
  }
  const ORDER = ['result_format', 'signature', 'signing_key', 'poll', 'ceremony', 'roll_format', 'roll', 'key_roll',
    'ledger', ...BALLOT_CHECKS, 'decryption_shares', 'tally', 'outcome'];

  /** Every check of the bundle whose files are given ({name: Uint8Array}; cosignatures as
   * `cosignatures/NAME.pem` and `.sig`), in the CLI's order: {ok, checks: [{name, ok,
   * reason}]}. A check that cannot run because something it needs is unreadable fails
   * with that reason, as in the CLI. */
  function verify(files) {
    const missing = ['result.json', 'result.json.sig', 'signing-key.pem', 'poll.json', 'ceremony.json',
      'roll.jsonl', 'keyroll.jsonl', 'ballots.jsonl', 'decryption.jsonl'].filter((name) => !(files[name] instanceof Uint8Array));
    if (missing.length) throw new Error(`not a secret poll's bundle: missing ${missing.join(', ')}`);
    const ctx = makeContext(files);
    const run = (name, check) => {
      try {
        const problems = check(ctx);
        return { name, ok: problems.length === 0, reason: problems.length ? problems.join('; ') : 'valid' };
      } catch (error) {
        if (error instanceof Unavailable) return { name, ok: false, reason: error.message };
        throw error;
      }
    };
    const checks = ORDER.map((name) => run(name, CHECKS[name]));
    const names = Object.keys(files).filter((f) => f.startsWith('cosignatures/')).map((f) => f.slice(13).replace(/\.(pem|sig)$/, ''));
    for (const name of [...new Set(names)].sort()) {
      const pem = files[`cosignatures/${name}.pem`];
      const sig = files[`cosignatures/${name}.sig`];
      if (!pem || !sig) {
        checks.push({ name: 'cosignatures', ok: false, reason: `files without their pair: ${name}` });
        continue;
      }
      checks.push(run(`cosignature:${name}`, () => {
        const { key, fingerprint } = loadPem(pem);
        return e2e.verifySignature(sig, files['result.json'], key) ? [] : [`not a valid signature of result.json by the key ${fingerprint}`];
      }));
    }
    return { ok: checks.every((c) => c.ok), checks };
  }

  global.Asamblea.e2eBundle = Object.freeze({ verify, merkleRoot, decide, attendance, Unavailable });
})(globalThis);
