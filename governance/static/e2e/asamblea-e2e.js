/* Asamblea: encrypted, end-to-end verifiable weighted ballots in the browser.
 *
 * The second implementation of docs/e2e-protocol.md (the first is ballots/e2e/, in Python);
 * both pass the JSON vectors of tests/ballots/e2e_vectors/ byte for byte. Section numbers
 * (§n) below are the protocol's. A classic script, no build step: it needs the vendored
 * noble bundle (vendor/noble.js, global `noble`) loaded first, and defines
 * `Asamblea.e2e` (the API is listed at the end of this file and in the protocol's
 * implementation notes). No group arithmetic is written here: every point operation is
 * noble's ristretto255; scalars modulo L are ordinary BigInt arithmetic (§1).
 */
(function (global) {
  'use strict';

  const noble = global.noble;
  if (!noble || !noble.ristretto255) throw new Error('asamblea-e2e.js needs vendor/noble.js first');
  const Point = noble.ristretto255.Point;
  const Fn = Point.Fn;
  const L = Fn.ORDER; // §1: 2^252 + 27742317777372353535851937790883648493
  const G = Point.BASE;
  const I = Point.ZERO;
  const { bytesToHex, hexToBytes, concatBytes, utf8ToBytes, bytesToNumberLE, numberToBytesLE,
    sha256, sha512, ed25519 } = noble;

  const HEX64 = /^[0-9a-f]{64}$/;
  const HEX = /^(?:[0-9a-f]{2})*$/;
  const DOMAIN = utf8ToBytes('asamblea/e2e/1');
  const DRBG_LABEL = utf8ToBytes('asamblea/e2e/1/test-drbg');
  const BALLOT_FORMAT = 'asamblea.ballot/1';
  const POLL_FORMAT = 'asamblea.e2e-poll/1';
  const MAX_OPTIONS = 64;
  const POLL_FIELDS = ['id', 'title', 'method', 'options', 'max_choices', 'allow_split', 'allow_revote', 'secret', 'rules'];
  const RULE_FIELDS = ['majority', 'double_weight_pct', 'double_orgs_pct', 'abstentions_count',
    'quorum_weight_pct', 'quorum_orgs_pct', 'quorum_mode', 'tie'];
  const MAX_SCRIPTS = 8;
  const SCRIPT_PATH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
  const MAX_BITS = 53; // weights are JSON-exact integers, below 2^53
  const TAG = { choice: 'ballot/choice', count: 'ballot/count', partBit: 'ballot/part-bit',
    restBit: 'ballot/rest-bit' };
  const BITS = [0, 1];

  /** A value that is not the one canonical text the protocol accepts (§2). */
  class EncodingError extends Error {}
  /** A vote the poll does not accept (the same rules as a plain ballot, API.md castBallot). */
  class VoteError extends Error {}

  // ---- §2 encodings: exactly one accepted text per value ----------------------------------

  function decodeHex(text, what, size) {
    if (typeof text !== 'string' || !HEX.test(text)) throw new EncodingError(`${what} must be lower-case hex`);
    if (size !== undefined && text.length !== 2 * size) throw new EncodingError(`${what} must be ${size} bytes`);
    return hexToBytes(text);
  }

  /** A point from 64 lower-case hex digits: RFC 9496 §4.3.1 decoding (noble refuses
   * non-canonical, negative and non-square encodings), and not the identity unless allowed. */
  function decodePoint(text, what, allowIdentity = false) {
    if (typeof text !== 'string' || !HEX64.test(text)) throw new EncodingError(`${what} must be 64 lower-case hex digits`);
    let point;
    try {
      point = Point.fromBytes(hexToBytes(text));
    } catch (_) {
      throw new EncodingError(`${what} is not a canonical ristretto255 encoding`);
    }
    if (!allowIdentity && point.equals(I)) throw new EncodingError(`${what} is the identity element`);
    return point;
  }

  /** A scalar from 64 lower-case hex digits of a little-endian integer below L. */
  function decodeScalar(text, what) {
    if (typeof text !== 'string' || !HEX64.test(text)) throw new EncodingError(`${what} must be 64 lower-case hex digits`);
    const value = bytesToNumberLE(hexToBytes(text));
    if (value >= L) throw new EncodingError(`${what} is not reduced modulo the group order`);
    return value;
  }

  const pointBytes = (p) => p.toBytes();
  const pointHex = (p) => bytesToHex(p.toBytes());
  function scalarHex(k) {
    if (typeof k !== 'bigint' || k < 0n || k >= L) throw new EncodingError('scalar out of range');
    return bytesToHex(numberToBytesLE(k, 32));
  }
  const mod = (k) => ((k % L) + L) % L;

  /** An integer statement item: 8 bytes big-endian (§4 "int8"). */
  function int8(value) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(value));
    return out;
  }

  /** k·P. `multiply` is noble's constant-time ladder, for secret scalars (randomness,
   * proof nonces); `multiplyUnsafe` is faster, for public ones (checks). noble refuses 0. */
  function mul(k, p) {
    const s = mod(k);
    return s === 0n ? I : p.multiply(s);
  }
  function mulPublic(k, p) {
    return p.multiplyUnsafe(mod(k));
  }
  const baseMul = (k) => mul(k, G);

  /** A 64-byte string read as a little-endian integer, reduced modulo L (RFC 9496 §4.4). */
  function wideReduce(bytes) {
    if (bytes.length !== 64) throw new Error('wide reduction takes 64 bytes');
    return bytesToNumberLE(bytes) % L;
  }

  /** RFC 8785 canonical JSON: keys sorted by UTF-16 code units (JavaScript's own string
   * order), strings and numbers exactly as JSON.stringify writes them (RFC 8785 §3.2
   * defines its serialization as ECMAScript's). Integers must be exact (below 2^53). */
  function canonicalJson(value) {
    if (value === null || typeof value === 'boolean') return JSON.stringify(value);
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
        throw new EncodingError('a number without an exact canonical form');
      }
      return JSON.stringify(value);
    }
    if (typeof value === 'string') {
      if (/\p{Surrogate}/u.test(value)) throw new EncodingError('a string with a lone surrogate');
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
    if (typeof value === 'object') {
      return '{' + Object.keys(value).sort().map(
        (key) => canonicalJson(key) + ':' + canonicalJson(value[key])).join(',') + '}';
    }
    throw new EncodingError(`no JSON form for a ${typeof value}`);
  }
  const canonicalBytes = (value) => utf8ToBytes(canonicalJson(value));

  // ---- §4 challenges (strong Fiat–Shamir) -------------------------------------------------

  function frame(bytes) {
    const out = new Uint8Array(4 + bytes.length);
    new DataView(out.buffer).setUint32(0, bytes.length);
    out.set(bytes, 4);
    return out;
  }
  const itemBytes = (item) => (item instanceof Uint8Array ? item : pointBytes(item));

  /** A proof context: poll (or ceremony) fingerprint, subject (voting right, or a
   * trustee's decimal index) and the subject's 32-byte key. */
  function context(fingerprint, subject, subjectKey) {
    if (fingerprint.length !== 32 || subjectKey.length !== 32) throw new Error('a context takes 32-byte fingerprint and key');
    return { fingerprint, subject, subjectKey };
  }

  /** SHA-512(frame(domain) ‖ frame(tag) ‖ frame(fingerprint) ‖ frame(subject) ‖
   * frame(subject key) ‖ statement frames ‖ commitment frames), wide-reduced. Items are
   * points (their encodings) or bytes. */
  function challenge(tag, ctx, statement, commitments) {
    const h = sha512.create();
    for (const part of [DOMAIN, utf8ToBytes(tag), ctx.fingerprint, utf8ToBytes(ctx.subject), ctx.subjectKey]) {
      h.update(frame(part));
    }
    for (const item of statement) h.update(frame(itemBytes(item)));
    for (const item of commitments) h.update(frame(itemBytes(item)));
    return wideReduce(h.digest());
  }

  // ---- randomness: the device's generator, or the seeded one of the vectors (§12) ---------

  /** Uniform non-zero scalars from the browser's CSPRNG (64 bytes, wide-reduced). */
  function osRandomness() {
    return {
      scalar() {
        for (;;) {
          const k = wideReduce(global.crypto.getRandomValues(new Uint8Array(64)));
          if (k !== 0n) return k;
        }
      },
    };
  }

  /** The vectors' generator: the i-th scalar is SHA-512(frame(label) ‖ frame(seed) ‖
   * frame(int8(i))) wide-reduced (a zero skipped). Never for real ballots. */
  function seededRandomness(seed) {
    const seedBytes = typeof seed === 'string' ? utf8ToBytes(seed) : seed;
    let counter = 0;
    return {
      scalar() {
        for (;;) {
          const digest = sha512(concatBytes(frame(DRBG_LABEL), frame(seedBytes), frame(int8(counter))));
          counter += 1;
          const k = wideReduce(digest);
          if (k !== 0n) return k;
        }
      },
    };
  }

  // ---- §3 exponential ElGamal --------------------------------------------------------------

  /** (r·G, m·G + r·Y). */
  function encrypt(y, message, r) {
    return { alpha: baseMul(r), beta: baseMul(BigInt(message)).add(mul(r, y)) };
  }
  const ctAdd = (a, b) => ({ alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) });
  const ctScale = (k, c) => ({ alpha: mulPublic(BigInt(k), c.alpha), beta: mulPublic(BigInt(k), c.beta) });
  const ctTotal = (list) => list.reduce(ctAdd, { alpha: I, beta: I });
  const ctPublic = (n) => ({ alpha: I, beta: mulPublic(BigInt(n), G) }); // Pub(n) = (I, n·G)
  const ctEquals = (a, b) => a.alpha.equals(b.alpha) && a.beta.equals(b.beta);
  const ctJson = (c) => ({ alpha: pointHex(c.alpha), beta: pointHex(c.beta) });

  // ---- §5 proofs -----------------------------------------------------------------------------

  const pairJson = (c, s) => ({ c: scalarHex(c), s: scalarHex(s) });
  function decodePair(data, what) {
    if (!isObject(data) || !sameKeys(data, ['c', 's'])) throw new EncodingError(`${what} must be an object with exactly c and s`);
    return { c: decodeScalar(data.c, `${what}.c`), s: decodeScalar(data.s, `${what}.s`) };
  }

  /** Schnorr: knowledge of x with X = x·G. Draws w. */
  function proveSchnorr(tag, ctx, secret, rng) {
    const w = rng.scalar();
    const c = challenge(tag, ctx, [baseMul(secret)], [baseMul(w)]);
    return pairJson(c, mod(w + c * secret));
  }
  function verifySchnorr(tag, ctx, pub, proof) {
    const commitment = mulPublic(proof.s, G).subtract(mulPublic(proof.c, pub));
    return challenge(tag, ctx, [pub], [commitment]) === proof.c;
  }

  /** Chaum–Pedersen: one x with X = x·G and D = x·A. Draws w. */
  function proveEquality(tag, ctx, secret, base, extra, rng) {
    const w = rng.scalar();
    const c = challenge(tag, ctx, [baseMul(secret), base, mul(secret, base), ...extra], [baseMul(w), mul(w, base)]);
    return pairJson(c, mod(w + c * secret));
  }
  function verifyEquality(tag, ctx, pub, base, image, extra, proof) {
    const u = mulPublic(proof.s, G).subtract(mulPublic(proof.c, pub));
    const v = mulPublic(proof.s, base).subtract(mulPublic(proof.c, image));
    return challenge(tag, ctx, [pub, base, image, ...extra], [u, v]) === proof.c;
  }

  const oneOfStatement = (y, ct, values, extra) => [y, ct.alpha, ct.beta, ...extra, ...values.map(int8)];

  /** CDS disjunction: (α, β) under Y encrypts values[index] with randomness r. Draws, for
   * each value in order: c_j then s_j for a simulated branch, w for the true one. */
  function proveOneOf(tag, ctx, y, ct, values, index, r, extra, rng) {
    const commitments = [];
    const cs = [];
    const ss = [];
    let w = 0n;
    values.forEach((value, j) => {
      if (j === index) {
        w = rng.scalar();
        commitments.push(baseMul(w), mul(w, y));
        return;
      }
      const cj = rng.scalar();
      const sj = rng.scalar();
      cs[j] = cj;
      ss[j] = sj;
      // c_j and s_j are published as they are: the faster multiplication is safe here.
      const shifted = ct.beta.subtract(mulPublic(BigInt(value), G));
      commitments.push(mulPublic(sj, G).subtract(mulPublic(cj, ct.alpha)),
        mulPublic(sj, y).subtract(mulPublic(cj, shifted)));
    });
    const c = challenge(tag, ctx, oneOfStatement(y, ct, values, extra), commitments);
    const simulated = cs.reduce((acc, cj) => acc + (cj || 0n), 0n);
    cs[index] = mod(c - simulated);
    ss[index] = mod(w + cs[index] * r);
    return values.map((_, j) => pairJson(cs[j], ss[j]));
  }

  /** Σ c_j = H(…, statement, [A_0, B_0, …]) with A_j = s_j·G − c_j·α, B_j = s_j·Y − c_j·(β − v_j·G). */
  function verifyOneOf(tag, ctx, y, ct, values, extra, pairs) {
    if (pairs.length !== values.length) return false;
    const commitments = [];
    let sum = 0n;
    pairs.forEach(({ c, s }, j) => {
      const shifted = ct.beta.subtract(mulPublic(BigInt(values[j]), G));
      commitments.push(mulPublic(s, G).subtract(mulPublic(c, ct.alpha)),
        mulPublic(s, y).subtract(mulPublic(c, shifted)));
      sum += c;
    });
    return challenge(tag, ctx, oneOfStatement(y, ct, values, extra), commitments) === mod(sum);
  }

  // ---- small JSON helpers --------------------------------------------------------------------

  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const sameKeys = (obj, keys) => {
    const have = Object.keys(obj).sort();
    const want = [...keys].sort();
    return have.length === want.length && have.every((k, i) => k === want[i]);
  };
  const isInt = (v) => Number.isSafeInteger(v);

  // ---- §8 poll parameters (as published in poll.json) ---------------------------------------

  /** The public outcome of the key ceremony (`trustees` of poll.json): threshold, count,
   * each qualified trustee's commitments; the election key Y = Σ C_{i,0} and trustee ℓ's
   * verification key X_ℓ = Σ_j ℓ^j·(Σ_i C_{i,j}) (§7.4). */
  function parseTrustees(data) {
    if (!isObject(data) || !sameKeys(data, ['ceremony', 'threshold', 'count', 'commitments'])) {
      throw new EncodingError('trustees must have exactly ceremony, threshold, count, commitments');
    }
    const { threshold, count } = data;
    if (!isInt(count) || count < 1 || count > 64 || !isInt(threshold) || threshold < 1 || threshold > count) {
      throw new EncodingError('trustees.threshold and trustees.count are out of range');
    }
    if (!Array.isArray(data.commitments) || data.commitments.length === 0) throw new EncodingError('trustees.commitments names no trustee');
    const commitments = new Map();
    data.commitments.forEach((item, n) => {
      const what = `trustees.commitments[${n}]`;
      if (!isObject(item) || !sameKeys(item, ['index', 'coefficients'])) throw new EncodingError(`${what} must have exactly index and coefficients`);
      const { index, coefficients } = item;
      if (!isInt(index) || index < 1 || index > count || commitments.has(index)) throw new EncodingError(`${what}.index must be a new index in 1..${count}`);
      if ([...commitments.keys()].some((i) => i > index)) throw new EncodingError('trustees.commitments must be sorted by index');
      if (!Array.isArray(coefficients) || coefficients.length !== threshold) throw new EncodingError(`${what} must have ${threshold} coefficients`);
      commitments.set(index, coefficients.map((p, j) => decodePoint(p, `${what}.coefficients[${j}]`)));
    });
    const dealers = [...commitments.keys()];
    const columns = [];
    for (let j = 0; j < threshold; j++) columns.push(dealers.map((i) => commitments.get(i)[j]).reduce((a, b) => a.add(b)));
    return {
      ceremony: decodeHex(data.ceremony, 'trustees.ceremony', 32),
      threshold, count, commitments,
      electionKey: columns[0],
      verificationKey(index) {
        if (!isInt(index) || index < 1 || index > count) throw new Error(`trustee index ${index} is not in 1..${count}`);
        let acc = I;
        columns.forEach((column, j) => { acc = acc.add(mulPublic(BigInt(index) ** BigInt(j), column)); });
        return acc;
      },
    };
  }

  /** `script.files` (§8): every script the voting page loads, in load order, each with the
   * SHA-256 the page enforces by Subresource Integrity. */
  function parseScripts(script) {
    if (!isObject(script) || !sameKeys(script, ['files'])) throw new EncodingError('poll.json script must be exactly {files}');
    const files = script.files;
    if (!Array.isArray(files) || files.length < 1 || files.length > MAX_SCRIPTS) throw new EncodingError(`the voting page loads 1 to ${MAX_SCRIPTS} scripts`);
    for (const file of files) {
      if (!isObject(file) || !sameKeys(file, ['path', 'sha256']) || typeof file.path !== 'string' || !SCRIPT_PATH.test(file.path)
          || typeof file.sha256 !== 'string' || !HEX64.test(file.sha256)) {
        throw new EncodingError('poll.json script.files must be a list of {path, sha256}: a relative path and a hex SHA-256');
      }
    }
  }

  /** A secret poll's parameters from poll.json's object: what a ballot needs (method,
   * options, k, whether votes are divided, election key Y) and the poll fingerprint, the
   * SHA-256 of the object's canonical JSON (§8). The stated election key must be the sum
   * of the trustees' constant commitments. */
  function pollParams(data) {
    if (!isObject(data) || !sameKeys(data, ['format', 'poll', 'roll', 'trustees', 'election_key', 'script'])) {
      throw new EncodingError('poll.json must have exactly format, poll, roll, trustees, election_key, script');
    }
    if (data.format !== POLL_FORMAT) throw new EncodingError(`poll.json format must be ${POLL_FORMAT}`);
    // The poll and its rules in full, as the server writes them: the fingerprint hashes
    // these bytes, so a default left out would give the poll another fingerprint here than
    // in the Python reference (which hashes its own re-serialization).
    const poll = data.poll;
    if (!isObject(poll) || !sameKeys(poll, POLL_FIELDS)) throw new EncodingError(`poll.json poll must have exactly ${POLL_FIELDS.join(', ')}`);
    if (!isObject(poll.rules) || !sameKeys(poll.rules, RULE_FIELDS)) throw new EncodingError(`poll.json poll.rules must have exactly ${RULE_FIELDS.join(', ')}`);
    if (!['yes_no_abstain', 'single', 'multiple'].includes(poll.method)) throw new EncodingError('poll.json poll.method is not one of yes_no_abstain, single, multiple');
    const options = poll.options;
    if (!Array.isArray(options) || options.length < 1 || options.length > MAX_OPTIONS
        || options.some((o) => typeof o !== 'string') || new Set(options).size !== options.length
        || (poll.method === 'yes_no_abstain' && options.join() !== 'yes,no,abstain')) {
      throw new EncodingError('poll.json poll.options must be distinct option keys');
    }
    const maxChoices = poll.max_choices;
    if (!isInt(maxChoices) || maxChoices < 1 || maxChoices > options.length) throw new EncodingError('poll.json poll.max_choices is out of range');
    parseScripts(data.script);
    if (!isObject(data.roll) || !sameKeys(data.roll, ['sha256']) || typeof data.roll.sha256 !== 'string' || !HEX64.test(data.roll.sha256)) {
      throw new EncodingError('poll.json roll must be exactly {sha256}');
    }
    if (poll.secret !== true) throw new EncodingError('an encrypted poll must be secret');
    const divided = poll.allow_split === true;
    if (divided && poll.method === 'multiple') throw new EncodingError('a multiple-choice poll cannot take divided votes');
    const trustees = parseTrustees(data.trustees);
    const electionKey = decodePoint(data.election_key, 'poll.json election_key');
    if (!electionKey.equals(trustees.electionKey)) throw new EncodingError('poll.json election_key is not the sum of the trustees\u2019 C\u2080');
    // Every ballot multiplies G and Y dozens of times: build their tables (noble's window-6
    // precomputation, the one it uses for G) now, when the page reads the poll, rather than
    // in the delegate's first ballot. Window 6 costs ~1,400 additions once and ~43 per
    // multiplication, against ~500 per multiplication without a table.
    electionKey.precompute(6, false);
    G.multiply(2n);
    const fingerprint = sha256(canonicalBytes(data));
    warmUp(electionKey, fingerprint);
    return Object.freeze({
      json: data, fingerprint, fingerprintHex: bytesToHex(fingerprint),
      method: poll.method, options: Object.freeze([...options]), maxChoices, divided,
      trustees, electionKey,
    });
  }

  /** One throwaway encrypted bit with its proof and check, under a context no ballot uses:
   * the browser compiles this code now, while the page loads, instead of in the delegate's
   * first ballot (a third of its time in docs/benchmarks.md section 7b). */
  function warmUp(y, fingerprint) {
    const ctx = context(fingerprint, '', new Uint8Array(32));
    const rng = osRandomness();
    const r = rng.scalar();
    const ct = encrypt(y, 1, r);
    const proof = proveOneOf('warm-up', ctx, y, ct, BITS, 1, r, [], rng).map((p, i) => decodePair(p, `warm-up[${i}]`));
    verifyOneOf('warm-up', ctx, y, ct, BITS, [], proof);
  }

  // ---- §6.2 what each kind of ballot proves --------------------------------------------------

  /** "multiple": the count ciphertext Σ a_j·c_j (a_j = k for "abstain", else 1) encrypts 1..k. */
  const countCoefficients = (params) => params.options.map((o) => (o === 'abstain' ? params.maxChoices : 1));
  const countValues = (params) => Array.from({ length: params.maxChoices }, (_, i) => i + 1);
  function countCiphertext(params, cts) {
    return ctTotal(countCoefficients(params).map((a, j) => (a === 1 ? cts[j] : ctScale(a, cts[j]))));
  }

  /** Num(bits) = Σ_b 2^b·bits[b], by doubling from the most significant bit (§6.2). */
  function fromBits(cts) {
    let acc = cts[cts.length - 1];
    for (let b = cts.length - 2; b >= 0; b--) acc = ctAdd(ctAdd(acc, acc), cts[b]);
    return acc;
  }
  const bitsFor = (weight) => weight.toString(2).length; // m, the bit length of the weight
  const bitsOf = (value, m) => Array.from({ length: m }, (_, b) => Math.floor(value / 2 ** b) % 2);

  /** The vote a delegate chose, checked by the rules of a plain ballot (API.md castBallot):
   * {choice}, {choices} ("multiple") or {split} (divided polls; {choice} there gives the
   * whole weight to one option). Returns per option the message (0/1) or units. */
  function voteMessages(params, vote, weight) {
    if (!isObject(vote)) throw new VoteError('the vote must be an object');
    const fields = ['choice', 'choices', 'split'].filter((f) => f in vote);
    if (fields.length !== 1) throw new VoteError('the vote has exactly one of choice, choices, split');
    const known = (key) => {
      if (typeof key !== 'string' || !params.options.includes(key)) throw new VoteError(`${JSON.stringify(key)} is not an option of this poll`);
      return key;
    };
    if (params.divided) {
      const split = fields[0] === 'choice' ? { [known(vote.choice)]: weight } : vote.split;
      if (fields[0] === 'choices' || !isObject(split) || Object.keys(split).length === 0) throw new VoteError('this poll takes a split of the weight');
      let total = 0;
      for (const [key, units] of Object.entries(split)) {
        known(key);
        if (!isInt(units) || units < 0) throw new VoteError(`units for ${key} must be a whole number \u2265 0`);
        total += units;
      }
      if (total !== weight) throw new VoteError(`the split adds up to ${total}, the weight is ${weight}`);
      return params.options.map((key) => split[key] || 0);
    }
    if (fields[0] === 'split') throw new VoteError('this poll does not allow divided votes');
    if (fields[0] === 'choice') {
      known(vote.choice);
      return params.options.map((key) => (key === vote.choice ? 1 : 0));
    }
    if (params.method !== 'multiple') throw new VoteError(`a ${params.method} poll takes choice, not choices`);
    const keys = vote.choices;
    if (!Array.isArray(keys) || keys.length === 0) throw new VoteError('choices must name at least one option');
    keys.forEach(known);
    if (new Set(keys).size !== keys.length) throw new VoteError('choices names an option twice');
    if (keys.includes('abstain') && keys.length > 1) throw new VoteError('abstain cannot be combined with other choices');
    if (keys.length > params.maxChoices) throw new VoteError(`at most ${params.maxChoices} choices`);
    return params.options.map((key) => (keys.includes(key) ? 1 : 0));
  }

  // ---- §6.3 making a ballot --------------------------------------------------------------------

  function encryptBits(y, ctx, messages, randomness, tag, extras, rng) {
    return messages.map((m, n) => {
      const ct = encrypt(y, m, randomness[n]);
      const proof = proveOneOf(tag, ctx, y, ct, BITS, m, randomness[n], extras[n], rng);
      return { ct, json: { ...ctJson(ct), proof } };
    });
  }

  /** An encrypted ballot and its opening (what a Benaloh challenge reveals).
   * params: from pollParams(); right: {voter, weight, votingKey (hex), previous (hex|null)};
   * vote: {choice} | {choices} | {split}; rng: osRandomness() (seededRandomness for vectors).
   * Throws VoteError when the poll does not accept the vote. */
  function encryptBallot(params, right, vote, rng) {
    const votingKey = decodeHex(right.votingKey, 'votingKey', 32);
    if (!isInt(right.weight) || right.weight < 1 || bitsFor(right.weight) > MAX_BITS) throw new VoteError('the weight must be a whole number \u2265 1');
    const values = voteMessages(params, vote, right.weight);
    const ctx = context(params.fingerprint, right.voter, votingKey);
    const ballot = { format: BALLOT_FORMAT, poll: params.fingerprintHex, voter: right.voter,
      voting_key: bytesToHex(votingKey), previous: right.previous || null };
    const opening = params.divided
      ? dividedBallot(params, ctx, ballot, right.weight, values, rng)
      : choiceBallot(params, ctx, ballot, values, rng);
    return { ballot, opening: { messages: opening.messages, randomness: opening.randomness.map(scalarHex) } };
  }

  function choiceBallot(params, ctx, ballot, messages, rng) {
    const y = params.electionKey;
    const exact = params.method !== 'multiple';
    const randomness = messages.slice(0, exact ? -1 : undefined).map(() => rng.scalar());
    // One of N: the last randomness makes the choices add up to the public (I, 1·G) (§6.2).
    if (exact) randomness.push(mod(-randomness.reduce((a, b) => a + b, 0n)));
    const bits = encryptBits(y, ctx, messages, randomness, TAG.choice, messages.map((_, j) => [int8(j)]), rng);
    ballot.choices = bits.map((b) => b.json);
    if (!exact) {
      const coefficients = countCoefficients(params);
      const count = coefficients.reduce((acc, a, j) => acc + a * messages[j], 0);
      const r = mod(coefficients.reduce((acc, a, j) => acc + BigInt(a) * randomness[j], 0n));
      const values = countValues(params);
      const ct = countCiphertext(params, bits.map((b) => b.ct));
      ballot.count_proof = proveOneOf(TAG.count, ctx, y, ct, values, values.indexOf(count), r, [], rng);
    }
    return { messages, randomness };
  }

  function dividedBallot(params, ctx, ballot, weight, units, rng) {
    const y = params.electionKey;
    const m = bitsFor(weight);
    const n = params.options.length;
    const top = Fn.inv(1n << BigInt(m - 1)); // 2^-(m-1) mod L
    const weighted = (rs) => rs.reduce((acc, r, b) => acc + (r << BigInt(b)), 0n);
    // Draws (§6.3): part randomness option by option (the last option's top bit left
    // out), then rest randomness option by option (top bits left out) …
    const partR = Array.from({ length: n }, (_, j) => Array.from({ length: j < n - 1 ? m : m - 1 }, () => rng.scalar()));
    const restR = Array.from({ length: n }, () => Array.from({ length: m - 1 }, () => rng.scalar()));
    // … then the top bits: the parts' randomness adds up to 0 (Σ parts = Pub(W)) …
    partR[n - 1].push(mod(-partR.reduce((acc, rs) => acc + weighted(rs), 0n) * top));
    // … and each option's part plus rest has randomness 0 (part + rest = Pub(W)).
    for (let j = 0; j < n; j++) restR[j].push(mod(-(weighted(partR[j]) + weighted(restR[j])) * top));
    const messages = [];
    const randomness = [];
    ballot.parts = units.map((value, j) => {
      const partBits = bitsOf(value, m);
      const restBits = bitsOf(weight - value, m);
      const extras = Array.from({ length: m }, (_, b) => [int8(j), int8(b)]);
      const bits = encryptBits(y, ctx, partBits, partR[j], TAG.partBit, extras, rng);
      const rest = encryptBits(y, ctx, restBits, restR[j], TAG.restBit, extras, rng);
      messages.push(...partBits, ...restBits);
      randomness.push(...partR[j], ...restR[j]);
      return { bits: bits.map((b) => b.json), rest: rest.map((b) => b.json) };
    });
    return { messages, randomness };
  }

  // ---- §6.1 signing, hash ----------------------------------------------------------------------

  /** The bytes the voting key signs: RFC 8785 canonical JSON of the ballot object. */
  const ballotBytes = (ballot) => canonicalBytes(ballot);
  /** The ballot hash (the delegate's tracker): hex SHA-256 of the signed bytes. */
  const ballotHash = (ballot) => bytesToHex(sha256(ballotBytes(ballot)));

  /** The voting key's Ed25519 signature of the ballot, hex. `signer` is a voting key
   * from `votingKeys` ({publicKey, sign(bytes) → Promise<bytes>}). */
  async function signBallot(ballot, signer) {
    if (ballot.voting_key !== bytesToHex(signer.publicKey)) throw new Error('the ballot names another voting key');
    return bytesToHex(await signer.sign(ballotBytes(ballot)));
  }

  /** RFC 8032 §5.1.7 verification, strict: A and R canonical and in the prime-order
   * subgroup (not small order, no torsion component), S < L. With A and R torsion-free,
   * noble's cofactored equation and the cofactorless one of OpenSSL and libsodium accept
   * exactly the same signatures, so this page and `asamblea verify` cannot disagree on a
   * crafted one (docs/e2e-protocol.md, "Implementation notes: the browser"). */
  function verifySignature(signature, message, publicKey) {
    try {
      if (!primeOrderKey(publicKey) || !primeOrder(signature.subarray(0, 32))) return false;
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch (_) {
      return false;
    }
  }
  function primeOrder(encoded) {
    const point = ed25519.Point.fromBytes(encoded, false); // canonical (throws otherwise)
    return !point.isSmallOrder() && point.isTorsionFree();
  }
  // A bundle's voting keys sign many ballots each: judge each key once.
  const judgedKeys = new Map();
  function primeOrderKey(publicKey) {
    const hex = bytesToHex(publicKey);
    if (!judgedKeys.has(hex)) {
      if (judgedKeys.size > 100000) judgedKeys.clear();
      let ok = false;
      try {
        ok = primeOrder(publicKey);
      } catch (_) {
        ok = false;
      }
      judgedKeys.set(hex, ok);
    }
    return judgedKeys.get(hex);
  }

  // ---- §6.4 checking a ballot -----------------------------------------------------------------

  const verdict = (ok, check, reason) => ({ ok, check, reason });
  const OK = verdict(true, 'ballot', 'valid');

  function parseBit(data, what) {
    if (!isObject(data) || !sameKeys(data, ['alpha', 'beta', 'proof'])) throw new EncodingError(`${what} must have exactly alpha, beta, proof`);
    if (!Array.isArray(data.proof) || data.proof.length !== 2) throw new EncodingError(`${what}.proof must be a list of 2 {c, s} objects`);
    return { ct: { alpha: decodePoint(data.alpha, `${what}.alpha`), beta: decodePoint(data.beta, `${what}.beta`) },
      proof: data.proof.map((p, i) => decodePair(p, `${what}.proof[${i}]`)) };
  }

  /** The ballot object, strictly (§6.4 ballot_format): exactly the fields of this poll's
   * kind, canonical encodings, no identity, proofs of the right size. */
  function parseBallot(params, data) {
    if (!isObject(data)) throw new EncodingError('ballot must be an object');
    const kind = params.divided ? 'parts' : 'choices';
    const keys = ['format', 'poll', 'voter', 'voting_key', 'previous', kind];
    if (params.method === 'multiple') keys.push('count_proof');
    if (!sameKeys(data, keys)) throw new EncodingError(`ballot must have exactly ${keys.sort().join(', ')}`);
    if (data.format !== BALLOT_FORMAT) throw new EncodingError(`ballot format must be ${BALLOT_FORMAT}`);
    if (typeof data.poll !== 'string' || !HEX64.test(data.poll)) throw new EncodingError('ballot.poll must be 64 lower-case hex digits');
    if (typeof data.voter !== 'string' || !data.voter) throw new EncodingError('ballot.voter must be a non-empty string');
    if (data.previous !== null && (typeof data.previous !== 'string' || !HEX64.test(data.previous))) throw new EncodingError('ballot.previous must be null or 64 lower-case hex digits');
    const votingKey = decodeHex(data.voting_key, 'ballot.voting_key', 32);
    if (!primeOrderKey(votingKey)) throw new EncodingError('ballot.voting_key is not an Ed25519 key of prime order');
    const entries = data[kind];
    if (!Array.isArray(entries) || entries.length !== params.options.length) throw new EncodingError(`ballot.${kind} must have one entry per option (${params.options.length})`);
    const ballot = { json: data, votingKey };
    if (params.method === 'multiple') {
      const size = params.maxChoices;
      if (!Array.isArray(data.count_proof) || data.count_proof.length !== size) throw new EncodingError(`ballot.count_proof must be a list of ${size} {c, s} objects`);
      ballot.countProof = data.count_proof.map((p, i) => decodePair(p, `ballot.count_proof[${i}]`));
    }
    if (kind === 'choices') {
      ballot.choices = entries.map((item, j) => parseBit(item, `ballot.choices[${j}]`));
      return ballot;
    }
    const list = (items, what) => {
      if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BITS) throw new EncodingError(`${what} must be a list of 1 to ${MAX_BITS} encrypted bits`);
      return items.map((item, b) => parseBit(item, `${what}[${b}]`));
    };
    ballot.parts = entries.map((item, j) => {
      if (!isObject(item) || !sameKeys(item, ['bits', 'rest'])) throw new EncodingError(`ballot.parts[${j}] must have exactly bits and rest`);
      return { bits: list(item.bits, `ballot.parts[${j}].bits`), rest: list(item.rest, `ballot.parts[${j}].rest`) };
    });
    return ballot;
  }

  /** ballot_proof, ballot_sum, ballot_range of a parsed ballot of a right of `weight`. */
  function checkProofs(params, ballot, weight) {
    const y = params.electionKey;
    const ctx = context(params.fingerprint, ballot.json.voter, ballot.votingKey);
    if (ballot.parts) return checkDivided(params, ctx, ballot, weight);
    for (const [j, bit] of ballot.choices.entries()) {
      if (!verifyOneOf(TAG.choice, ctx, y, bit.ct, BITS, [int8(j)], bit.proof)) return verdict(false, 'ballot_proof', `the 0/1 proof of option ${j} does not verify`);
    }
    const cts = ballot.choices.map((b) => b.ct);
    if (ballot.countProof) {
      if (!verifyOneOf(TAG.count, ctx, y, countCiphertext(params, cts), countValues(params), [], ballot.countProof)) {
        return verdict(false, 'ballot_proof', 'the count proof (1 to k choices) does not verify');
      }
      return OK;
    }
    if (!ctEquals(ctTotal(cts), ctPublic(1))) return verdict(false, 'ballot_sum', 'the choices do not add up to exactly one option');
    return OK;
  }

  function checkDivided(params, ctx, ballot, weight) {
    const y = params.electionKey;
    const m = bitsFor(weight);
    for (const [j, part] of ballot.parts.entries()) {
      if (part.bits.length !== m || part.rest.length !== m) return verdict(false, 'ballot_range', `option ${j}: a right of weight ${weight} gives parts of exactly ${m} bits`);
    }
    const expected = ctPublic(weight);
    const values = [];
    for (const [j, part] of ballot.parts.entries()) {
      for (const [tag, bits, kind] of [[TAG.partBit, part.bits, 'part'], [TAG.restBit, part.rest, 'rest']]) {
        for (const [b, bit] of bits.entries()) {
          if (!verifyOneOf(tag, ctx, y, bit.ct, BITS, [int8(j), int8(b)], bit.proof)) return verdict(false, 'ballot_proof', `option ${j}: the proof of ${kind} bit ${b} fails`);
        }
      }
      const value = fromBits(part.bits.map((b) => b.ct));
      if (!ctEquals(ctAdd(value, fromBits(part.rest.map((b) => b.ct))), expected)) return verdict(false, 'ballot_range', `option ${j}: part and rest do not add up to the weight`);
      values.push(value);
    }
    if (!ctEquals(ctTotal(values), expected)) return verdict(false, 'ballot_sum', `the parts do not add up to the weight ${weight}`);
    return OK;
  }

  /** Every check of §6.4, in order; the first failure names its check. `cast` is what the
   * ledger says of the right: {voter, weight (null: not on the roll), authorizedKey (hex or
   * null), previous (hex or null)}. Returns {ok, check, reason}. */
  function checkBallot(params, data, signatureHex, cast) {
    let ballot;
    try {
      ballot = parseBallot(params, data);
    } catch (error) {
      if (error instanceof EncodingError) return verdict(false, 'ballot_format', error.message);
      throw error;
    }
    if (data.poll !== params.fingerprintHex) return verdict(false, 'ballot_poll', 'the ballot is for another poll');
    if (data.voter !== cast.voter || cast.weight === null || cast.weight === undefined) return verdict(false, 'ballot_voter', `the ballot is for ${JSON.stringify(data.voter)}, not this right`);
    if (!cast.authorizedKey) return verdict(false, 'ballot_key', `no voting key is registered for ${JSON.stringify(cast.voter)}`);
    if (data.voting_key !== cast.authorizedKey) return verdict(false, 'ballot_key', 'signed by a key the key roll does not (or no longer) authorize');
    if (data.previous !== (cast.previous || null)) return verdict(false, 'ballot_previous', 'the ballot does not follow this right\u2019s previous ballot (replayed or forked)');
    const signature = typeof signatureHex === 'string' && HEX.test(signatureHex) && signatureHex.length === 128 ? hexToBytes(signatureHex) : null;
    if (!signature || !verifySignature(signature, ballotBytes(data), ballot.votingKey)) return verdict(false, 'ballot_signature', 'not a valid signature by the ballot\u2019s voting key');
    return checkProofs(params, ballot, cast.weight);
  }

  // ---- §6.5 the Benaloh challenge ------------------------------------------------------------

  function ballotCiphertexts(ballot) {
    if (ballot.parts) return ballot.parts.flatMap((part) => [...part.bits, ...part.rest].map((b) => b.ct));
    return ballot.choices.map((b) => b.ct);
  }

  /** Whether `opening` ({messages, randomness}) re-encrypts to exactly the ballot's
   * ciphertexts (check "challenge"), and the vote they hold: {choices: [...]} or
   * {split: {option: units}}. */
  function checkOpening(params, data, opening, weight) {
    const fail = (reason) => ({ ...verdict(false, 'challenge', reason), vote: null });
    let ballot;
    let messages;
    let randomness;
    try {
      ballot = parseBallot(params, data);
      if (!isObject(opening) || !sameKeys(opening, ['messages', 'randomness']) || !Array.isArray(opening.messages) || !Array.isArray(opening.randomness)) throw new EncodingError('an opening has exactly messages and randomness');
      messages = opening.messages;
      if (messages.some((m) => m !== 0 && m !== 1)) throw new EncodingError('opening messages must be 0 or 1');
      randomness = opening.randomness.map((r, i) => decodeScalar(r, `opening.randomness[${i}]`));
    } catch (error) {
      if (error instanceof EncodingError) return fail(error.message);
      throw error;
    }
    const cts = ballotCiphertexts(ballot);
    if (messages.length !== cts.length || randomness.length !== cts.length) return fail('the opening does not match the ballot\u2019s size');
    if (weight !== undefined && ballot.parts && ballot.parts[0].bits.length !== bitsFor(weight)) return fail('the parts have the wrong number of bits');
    for (let n = 0; n < cts.length; n++) {
      if (!ctEquals(encrypt(params.electionKey, messages[n], randomness[n]), cts[n])) return fail(`ciphertext ${n} is not what was revealed`);
    }
    let vote;
    if (!ballot.parts) {
      vote = { choices: params.options.filter((_, j) => messages[j] === 1) };
    } else {
      const m = messages.length / (2 * params.options.length);
      vote = { split: Object.fromEntries(params.options.map((key, j) => [key,
        messages.slice(2 * m * j, 2 * m * j + m).reduce((acc, bit, b) => acc + bit * 2 ** b, 0)])) };
    }
    return { ...verdict(true, 'challenge', 'the ballot encrypts what was revealed'), vote };
  }

  // ---- voting keys: made on the device, never leave it ---------------------------------------

  /** A signer from a 32-byte Ed25519 seed (RFC 8032 §5.1.5), through noble: the vectors'
   * keys, and the fallback where the browser's WebCrypto has no Ed25519. */
  function signerFromSeed(seed) {
    return { kind: 'seed', publicKey: ed25519.getPublicKey(seed), sign: async (bytes) => ed25519.sign(bytes, seed) };
  }

  function signerFromKeyPair(pair, publicKey) {
    return { kind: 'webcrypto', publicKey,
      sign: async (bytes) => new Uint8Array(await global.crypto.subtle.sign('Ed25519', pair.privateKey, bytes)) };
  }

  // Voting keys live in this origin's IndexedDB: a WebCrypto key pair whose private key is
  // non-extractable (scripts can sign with it, none can read it out), or — only where
  // WebCrypto lacks Ed25519 — a random seed. Clearing the site's data loses the key; the
  // credentials committee then re-registers a new one (the key roll shows it).
  const DB = 'asamblea-e2e';
  const STORE = 'voting-keys';

  function withStore(mode, action) {
    return new Promise((resolve, reject) => {
      const open = global.indexedDB.open(DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction(STORE, mode);
        const request = action(tx.objectStore(STORE));
        tx.oncomplete = () => { open.result.close(); resolve(request.result); };
        tx.onerror = () => { open.result.close(); reject(tx.error); };
      };
    });
  }

  function fromRecord(record) {
    if (!record) return null;
    return record.kind === 'webcrypto' ? signerFromKeyPair(record.pair, record.publicKey) : signerFromSeed(record.seed);
  }

  const votingKeys = {
    /** The voting key stored under `name` (e.g. the assembly), or null. */
    async load(name) {
      return fromRecord(await withStore('readonly', (store) => store.get(name)));
    },
    /** A new voting key stored under `name` (replacing any), preferring WebCrypto. */
    async create(name) {
      let record;
      try {
        const pair = await global.crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
        const publicKey = new Uint8Array(await global.crypto.subtle.exportKey('raw', pair.publicKey));
        record = { kind: 'webcrypto', pair, publicKey };
      } catch (_) {
        record = { kind: 'seed', seed: global.crypto.getRandomValues(new Uint8Array(32)) };
      }
      await withStore('readwrite', (store) => store.put(record, name));
      if (global.navigator && navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
      return fromRecord(record);
    },
    fromSeed: signerFromSeed,
  };

  // ---- the API (docs/e2e-protocol.md, implementation notes) -----------------------------------

  global.Asamblea = global.Asamblea || {};
  global.Asamblea.e2e = Object.freeze({
    // the voting page's calls
    pollParams, encryptBallot, signBallot, ballotHash, checkOpening, votingKeys, osRandomness,
    // checking (the server's §6.4, and the bundle verifier)
    checkBallot, parseTrustees, verifySignature, primeOrderKey,
    // primitives, for the vectors and for auditors
    L, decodePoint, decodeScalar, decodeHex, pointHex, scalarHex, int8, encrypt, challenge, context,
    seededRandomness, canonicalJson, ballotBytes,
    proveSchnorr, verifySchnorr, proveEquality, verifyEquality, proveOneOf, verifyOneOf,
    decodePair, baseMul, EncodingError, VoteError,
    // what the bundle verifier (asamblea-e2e-verify.js) builds on
    internals: Object.freeze({ G, I, Fn, mulPublic, frame, sameKeys, isObject, isInt, parseBallot,
      fromBits, ctAdd, ctScale, ctTotal, ctEquals, ctJson }),
  });
})(globalThis);
