/* Asamblea: verifying a secret poll's audit bundle (`asamblea.e2e-result/1`) in the
 * browser — every check of docs/e2e-protocol.md §11.3, by the same names as `asamblea
 * verify`, so that the page and the CLI can be compared check by check. The second
 * implementation of ballots/e2e/checks.py and verify.py. Needs noble.js, asamblea-e2e.js,
 * noble-verify.js, asamblea-e2e-verify.js and asamblea-e2e-records.js first; adds
 * `Asamblea.e2eBundle.verify(files)`.
 */
(function (global) {
  'use strict';

  const e2e = global.Asamblea.e2e;
  const V = global.Asamblea.e2eVerify;
  const R = global.Asamblea.e2eRecords;
  const { isObject, isInt, sameKeys } = e2e.internals;
  const { bytesToHex, sha256 } = global.noble;
  const { LIMITS, utf8, parseCanonical, splitLines, parseLines } = R;
  const FORMAT = 'asamblea.e2e-result/1';
  const RESULT_FIELDS = ['format', 'assembly', 'poll', 'poll_fingerprint', 'roll', 'key_roll', 'ledger',
    'ceremony', 'decryption', 'tally', 'cast', 'quorum_met', 'outcome', 'opened_at', 'closed_at', 'signing_key'];
  const BALLOT_CHECKS = ['ballot_format', 'ballot_poll', 'ballot_voter', 'ballot_key', 'ballot_previous',
    'ballot_signature', 'ballot_proof', 'ballot_sum', 'ballot_range'];
  const MAX_EXAMPLES = 5;
  const SPKI_ED25519 = '302a300506032b6570032100'; // RFC 8410 SubjectPublicKeyInfo prefix

  /** A check cannot run: something it needs is unreadable (reported as that check failing). */
  class Unavailable extends Error {}
  const sha256Hex = (bytes) => bytesToHex(sha256(bytes));

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
    ctx.roll = once('roll', () => R.parseRoll(files['roll.jsonl']));
    ctx.completeRoll = () => {
      if (!ctx.roll().complete) throw new Unavailable('roll.jsonl has malformed lines (see roll_format)');
      return ctx.roll();
    };
    ctx.keyRoll = once('keyroll', () => R.parseKeyRoll(files['keyroll.jsonl']));
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
    ctx.ledger = once('ledger', () => R.checkLedger(ctx.params(), ctx.completeRoll(), ctx.validKeyRoll(), ctx.ledgerLines()));
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
      const actual = bytesToHex(R.merkleRoot(lines));
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
      const seen = R.attendance(entries, counted);
      const decision = R.decide(poll, seen, tally, cast);
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

  global.Asamblea.e2eBundle = Object.freeze({ verify, Unavailable });
})(globalThis);
