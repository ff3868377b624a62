/* Asamblea: checking a secret poll's public record in the browser — the trustees' key
 * ceremony (docs/e2e-protocol.md §7), the encrypted tally and the threshold decryption
 * (§10). The second implementation of ballots/e2e/dkg.py, tally.py, decryption.py and
 * dlog.py. Needs vendor/noble.js, asamblea-e2e.js and (for complaints) vendor/noble-verify.js
 * first; adds `Asamblea.e2eVerify`. Not loaded by the voting page.
 */
(function (global) {
  'use strict';

  const e2e = global.Asamblea && global.Asamblea.e2e;
  if (!e2e) throw new Error('asamblea-e2e-verify.js needs asamblea-e2e.js first');
  const { G, I, Fn, mulPublic, frame, sameKeys, isObject, isInt, ctAdd, ctScale, ctTotal } = e2e.internals;
  const { bytesToHex, hexToBytes, concatBytes, utf8ToBytes, bytesToNumberLE, sha256 } = global.noble;
  const L = e2e.L;

  const FORMAT = { setup: 'asamblea.ceremony/1', card: 'asamblea.trustee-card/1',
    dealing: 'asamblea.trustee-dealing/1', complaint: 'asamblea.trustee-complaint/1',
    shares: 'asamblea.decryption-share/1' };
  const TAG = { transport: 'trustee/transport', coefficient: 'trustee/coefficient',
    complaint: 'trustee/complaint', decryption: 'trustee/decryption' };
  const SHARE_LABEL = utf8ToBytes('asamblea/e2e/1/share');
  const AGGREGATES = ['weight', 'organizations'];
  const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;

  /** A record that fails a named check (ceremony_format, ceremony_signature,
   * ceremony_proof, decryption_shares), as the Python verifier names it. */
  class CheckError extends Error {
    constructor(check, message, signer = null) {
      super(message);
      this.check = check;
      this.signer = signer; // the trustee whose *signed* message is wrong, if it is one
    }
  }
  // An encoding error inside a (signed) message is that message's format check failing.
  function decoding(check, prefix, action, signer = null) {
    try {
      return action();
    } catch (error) {
      if (error instanceof e2e.EncodingError) throw new CheckError(check, `${prefix}: ${error.message}`, signer);
      throw error;
    }
  }

  // ---- §7.1 setup and signed messages ---------------------------------------------------

  /** The ceremony's setup, strictly; its fingerprint (SHA-256 of its canonical JSON) and
   * each trustee's proof context (fingerprint, decimal index, Ed25519 key). */
  function parseSetup(data) {
    if (!isObject(data) || !sameKeys(data, ['format', 'id', 'threshold', 'trustees'])) throw new e2e.EncodingError('ceremony setup must have exactly format, id, threshold, trustees');
    if (data.format !== FORMAT.setup) throw new e2e.EncodingError(`ceremony setup format must be ${FORMAT.setup}`);
    if (typeof data.id !== 'string' || !ID.test(data.id)) throw new e2e.EncodingError('ceremony id must be 1-100 characters of A-Z a-z 0-9 . _ : / -');
    const listed = data.trustees;
    if (!Array.isArray(listed) || listed.length < 1 || listed.length > 64) throw new e2e.EncodingError('a ceremony has 1 to 64 trustees');
    const keys = listed.map((item, n) => {
      if (!isObject(item) || !sameKeys(item, ['index', 'name', 'key']) || item.index !== n + 1 || typeof item.name !== 'string') {
        throw new e2e.EncodingError('trustees must be numbered 1, 2, \u2026 in order, with a name and a key');
      }
      return e2e.decodeHex(item.key, 'key', 32);
    });
    if (new Set(keys.map(bytesToHex)).size !== keys.length) throw new e2e.EncodingError('each trustee needs its own key');
    if (!keys.every(e2e.primeOrderKey)) throw new e2e.EncodingError('every trustee key must be an Ed25519 key of prime order');
    if (!isInt(data.threshold) || data.threshold < 1 || data.threshold > keys.length) throw new e2e.EncodingError(`the threshold must be between 1 and ${keys.length}`);
    const fingerprint = sha256(utf8ToBytes(e2e.canonicalJson(data)));
    return {
      json: data, fingerprint, fingerprintHex: bytesToHex(fingerprint), threshold: data.threshold,
      count: keys.length, keyOf: (index) => keys[index - 1],
      context: (index) => e2e.context(fingerprint, String(index), keys[index - 1]),
    };
  }

  /** A signed message {message, signature} of this ceremony: exactly `fields` plus format,
   * ceremony and index, of format `kind`, signed by that trustee's key. */
  function openMessage(setup, signed, kind, fields) {
    if (!isObject(signed) || !sameKeys(signed, ['message', 'signature'])) throw new CheckError('ceremony_format', `a ${kind} must be {message, signature}`);
    const message = signed.message;
    const expected = [...fields, 'format', 'ceremony', 'index'];
    if (!isObject(message) || !sameKeys(message, expected)) throw new CheckError('ceremony_format', `a ${kind} has exactly ${expected.sort().join(', ')}`);
    const index = message.index;
    if (message.format !== kind || !isInt(index) || index < 1 || index > setup.count) throw new CheckError('ceremony_format', `not a ${kind} of a trustee of this ceremony`);
    if (message.ceremony !== setup.fingerprintHex) throw new CheckError('ceremony_format', `the ${kind} of trustee ${index} is for another ceremony`);
    const signature = typeof signed.signature === 'string' && /^[0-9a-f]{128}$/.test(signed.signature) ? hexToBytes(signed.signature) : null;
    if (!signature || !e2e.verifySignature(signature, utf8ToBytes(e2e.canonicalJson(message)), setup.keyOf(index))) {
      throw new CheckError('ceremony_signature', `the ${kind} of trustee ${index} is not signed by its key`);
    }
    return { index, message };
  }

  // ---- §7.2–7.4 cards, dealings, complaints, outcome --------------------------------------

  function readCard(setup, signed) {
    const { index, message } = openMessage(setup, signed, FORMAT.card, ['transport_key', 'proof']);
    const { transport, proof } = decoding('ceremony_format', `card of trustee ${index}`, () => ({
      transport: e2e.decodePoint(message.transport_key, 'transport_key'), proof: e2e.decodePair(message.proof, 'proof') }), index);
    if (!e2e.verifySchnorr(TAG.transport, setup.context(index), transport, proof)) throw new CheckError('ceremony_proof', `the card of trustee ${index} fails its proof`, index);
    return { index, transport };
  }

  function readDealing(setup, signed, holders) {
    const { index, message } = openMessage(setup, signed, FORMAT.dealing, ['commitments', 'proof', 'shares']);
    const { commitments, proof, shares, items } = decoding('ceremony_format', `dealing of trustee ${index}`, () => {
      const listed = message.commitments;
      if (!Array.isArray(listed) || listed.length !== setup.threshold) throw new e2e.EncodingError(`it must have ${setup.threshold} commitments`);
      const out = { commitments: listed.map((c, j) => e2e.decodePoint(c, `commitments[${j}]`)),
        proof: e2e.decodePair(message.proof, 'proof'), shares: new Map(), items: message.shares };
      if (!Array.isArray(out.items) || out.items.length > setup.count) throw new e2e.EncodingError('shares must be a list');
      out.items.forEach((item, n) => {
        const what = `shares[${n}]`;
        if (!isObject(item) || !sameKeys(item, ['to', 'ephemeral', 'ciphertext'])) throw new e2e.EncodingError(`${what} must have exactly to, ephemeral, ciphertext`);
        if (!isInt(item.to)) throw new e2e.EncodingError(`${what}.to must be an integer`);
        out.shares.set(item.to, { to: item.to, ephemeral: e2e.decodePoint(item.ephemeral, `${what}.ephemeral`),
          ciphertext: e2e.decodeHex(item.ciphertext, `${what}.ciphertext`, 48) });
      });
      return out;
    }, index);
    const others = holders.filter((h) => h !== index);
    const sealedTo = [...shares.keys()].sort((a, b) => a - b);
    if (sealedTo.join() !== others.join() || shares.size !== items.length) throw new CheckError('ceremony_format', `the dealing of trustee ${index} does not seal one share per holder`, index);
    if (!e2e.verifySchnorr(TAG.coefficient, setup.context(index), commitments[0], proof)) throw new CheckError('ceremony_proof', `the dealing of trustee ${index} fails its proof`, index);
    return { index, commitments, shares };
  }

  function readComplaint(setup, signed) {
    const { index, message } = openMessage(setup, signed, FORMAT.complaint, ['against', 'shared', 'proof']);
    return decoding('ceremony_format', `complaint of trustee ${index}`, () => {
      if (!isInt(message.against) || message.against === index) throw new e2e.EncodingError('against must be another trustee\u2019s index');
      return { accuser: index, against: message.against, shared: e2e.decodePoint(message.shared, 'shared'), proof: e2e.decodePair(message.proof, 'proof') };
    });
  }

  /** f(index)·G from the dealer's commitments: Σ_j index^j·C_j. */
  const expectedSharePoint = (commitments, index) => commitments.reduce((acc, c, j) => acc.add(mulPublic(BigInt(index) ** BigInt(j), c)), I);

  /** §7.3 DHIES opening with a proven K: the share, or null when it does not open or is
   * not a reduced scalar. HKDF-SHA256 and ChaCha20-Poly1305 from noble-verify.js. */
  function openShare(setup, sender, transport, sealed, shared) {
    const tools = global.nobleVerify;
    if (!tools) throw new Error('judging a complaint needs vendor/noble-verify.js');
    const info = concatBytes(...[SHARE_LABEL, setup.fingerprint, e2e.int8(sender), e2e.int8(sealed.to),
      sealed.ephemeral.toBytes(), transport.toBytes()].map(frame));
    const okm = tools.hkdf(tools.sha256, shared.toBytes(), undefined, info, 44);
    let plain;
    try {
      plain = tools.chacha20poly1305(okm.subarray(0, 32), okm.subarray(32, 44), info).decrypt(sealed.ciphertext);
    } catch (_) {
      return null;
    }
    const value = bytesToNumberLE(plain);
    return plain.length === 32 && value < L ? value : null;
  }

  /** Whether a complaint proves its dealer cheated (§7.4): the Chaum–Pedersen proof shows
   * K = t_ℓ·E, and with K the share does not open or does not match the commitments. */
  function upheld(setup, cards, dealings, complaint) {
    const dealing = dealings.get(complaint.against);
    const card = cards.get(complaint.accuser);
    if (!dealing || !card || !dealing.shares.has(complaint.accuser)) return false;
    const sealed = dealing.shares.get(complaint.accuser);
    if (!e2e.verifyEquality(TAG.complaint, setup.context(complaint.accuser), card.transport, sealed.ephemeral,
      complaint.shared, [e2e.int8(complaint.against)], complaint.proof)) return false;
    const share = openShare(setup, complaint.against, card.transport, sealed, complaint.shared);
    return share === null || !e2e.baseMul(share).equals(expectedSharePoint(dealing.commitments, complaint.accuser));
  }

  const byIndex = (a, b) => a - b;

  /** Judge a whole transcript {setup, cards, dealings, complaints} from public data (§7.4):
   * {trustees: the public record (poll.json's `trustees`) or null when fewer than k dealers
   * qualify, excluded: {index: reason}, setAside: [messages set aside]}. A wrong message
   * excludes its trustee only if that trustee signed it; an unsigned or malformed one is
   * set aside (anyone can post it), as are complaints not upheld. */
  function ceremonyOutcome(transcript) {
    const setup = parseSetup(transcript.setup);
    const excluded = new Map();
    const exclude = (index, reason) => { if (!excluded.has(index)) excluded.set(index, reason); };
    const setAside = [];
    const blame = (error) => {
      if (!(error instanceof CheckError)) throw error;
      if (error.signer !== null) exclude(error.signer, error.message);
      else setAside.push(error.message);
    };
    const cards = new Map();
    for (const signed of transcript.cards) {
      try {
        const card = readCard(setup, signed);
        if (!cards.has(card.index)) cards.set(card.index, card);
      } catch (error) {
        blame(error);
      }
    }
    const holders = [...cards.keys()].sort(byIndex);
    const dealings = new Map();
    for (const signed of transcript.dealings) {
      try {
        const dealing = readDealing(setup, signed, holders);
        if (cards.has(dealing.index) && !dealings.has(dealing.index)) dealings.set(dealing.index, dealing);
      } catch (error) {
        blame(error);
      }
    }
    for (const signed of transcript.complaints) {
      let complaint;
      try {
        complaint = readComplaint(setup, signed);
      } catch (error) {
        if (!(error instanceof CheckError)) throw error;
        setAside.push(error.message);
        continue;
      }
      if (upheld(setup, cards, dealings, complaint)) exclude(complaint.against, `trustee ${complaint.against} dealt trustee ${complaint.accuser} a bad share`);
      else setAside.push(`the complaint of trustee ${complaint.accuser} against ${complaint.against} is not upheld`);
    }
    for (let index = 1; index <= setup.count; index++) if (!dealings.has(index)) exclude(index, `trustee ${index} has no valid dealing`);
    const qualified = [...dealings.keys()].filter((i) => !excluded.has(i)).sort(byIndex);
    const trustees = qualified.length < setup.threshold ? null : {
      ceremony: setup.fingerprintHex, threshold: setup.threshold, count: setup.count,
      commitments: qualified.map((i) => ({ index: i, coefficients: dealings.get(i).commitments.map(e2e.pointHex) })),
    };
    return { setup, trustees, excluded: Object.fromEntries([...excluded.entries()].sort((a, b) => a[0] - b[0])), setAside };
  }

  // ---- §10.1 the encrypted tally ------------------------------------------------------------

  /** The aggregates of the counted ballots, in published order: every option's weight, then
   * (polls without divided votes) every option's organizations. `counted` lists, per
   * counted ballot, {weight, ciphertexts: one per option} (for divided votes, Num(bits) of
   * each option's part). Returns [{option, optionIndex, kind, ct}]. */
  function encryptedTally(options, divided, counted) {
    const out = [];
    options.forEach((option, j) => {
      const byWeight = new Map(); // ballots of equal weight added first, multiplied once
      for (const { weight, ciphertexts } of counted) {
        const w = divided ? 1 : weight;
        byWeight.set(w, [...(byWeight.get(w) || []), ciphertexts[j]]);
      }
      const sums = [...byWeight.entries()].sort((a, b) => a[0] - b[0]).map(([w, cts]) => [w, ctTotal(cts)]);
      out.push({ option, optionIndex: j, kind: 'weight', ct: ctTotal(sums.map(([w, ct]) => (w === 1 ? ct : ctScale(w, ct)))) });
    });
    if (!divided) options.forEach((option, j) => out.push({ option, optionIndex: j, kind: 'organizations', ct: ctTotal(counted.map((c) => c.ciphertexts[j])) }));
    return out;
  }

  /** Per option, what a parsed ballot adds to the tally: its 0/1 ciphertext, or the part
   * Num(bits) of a divided vote. */
  function optionCiphertexts(ballot) {
    if (ballot.parts) return ballot.parts.map((part) => e2e.internals.fromBits(part.bits.map((b) => b.ct)));
    return ballot.choices.map((b) => b.ct);
  }

  // ---- §10.2–10.3 decryption shares, combination, the totals ------------------------------

  /** A trustee's signed decryption shares for the poll with fingerprint `poll` (hex), every
   * proof checked against its verification key X_ℓ; `CheckError` (decryption_shares) names
   * the trustee and the failing share. Returns {index, shares: [D_ℓ per aggregate]}. */
  function readShares(setup, poll, trustees, signed, aggregates) {
    let opened;
    try {
      opened = openMessage(setup, signed, FORMAT.shares, ['poll', 'shares']);
    } catch (error) {
      if (error instanceof CheckError) throw new CheckError('decryption_shares', error.message);
      throw error;
    }
    const { index, message } = opened;
    if (message.poll !== poll) throw new CheckError('decryption_shares', `trustee ${index}'s shares are for another poll`);
    if (!Array.isArray(message.shares) || message.shares.length !== aggregates.length) throw new CheckError('decryption_shares', `trustee ${index} must give one share per aggregate`);
    const key = trustees.verificationKey(index);
    const ctx = e2e.context(hexToBytes(poll), String(index), key.toBytes());
    const shares = aggregates.map((aggregate, n) => {
      const item = message.shares[n];
      const what = `trustee ${index}'s share of ${aggregate.option}/${aggregate.kind}`;
      const { share, proof } = decoding('decryption_shares', what, () => {
        if (!isObject(item) || !sameKeys(item, ['option', 'aggregate', 'share', 'proof'])) throw new e2e.EncodingError('it must have exactly option, aggregate, share, proof');
        if (item.option !== aggregate.option || item.aggregate !== aggregate.kind) throw new e2e.EncodingError('it is not in the order of the aggregates');
        // An aggregate of no ballots has α = I, and then its share is I too.
        return { share: e2e.decodePoint(item.share, 'share', true), proof: e2e.decodePair(item.proof, 'proof') };
      });
      const extra = [e2e.int8(aggregate.optionIndex), e2e.int8(AGGREGATES.indexOf(aggregate.kind))];
      if (!e2e.verifyEquality(TAG.decryption, ctx, key, aggregate.ct.alpha, share, extra, proof)) throw new CheckError('decryption_shares', `${what} fails its proof`);
      return share;
    });
    return { index, shares };
  }

  /** λ_ℓ = Π_{m∈S, m≠ℓ} m·(m − ℓ)⁻¹ mod L. */
  function lagrangeAtZero(index, indices) {
    return indices.filter((m) => m !== index).reduce((acc, m) => Fn.mul(acc, Fn.mul(BigInt(m), Fn.inv(Fn.create(BigInt(m - index))))), 1n);
  }

  /** t·G = β − Σ λ_ℓ·D_ℓ over the `threshold` lowest indices of `shares` (Map index → D_ℓ). */
  function combine(ct, shares, threshold) {
    const chosen = [...shares.keys()].sort(byIndex).slice(0, threshold);
    if (chosen.length < threshold) throw new CheckError('decryption_shares', `${chosen.length} decryption shares, ${threshold} needed`);
    const mask = chosen.reduce((acc, i) => acc.add(mulPublic(lagrangeAtZero(i, chosen), shares.get(i))), I);
    return ct.beta.subtract(mask);
  }

  /** t in [0, bound] with t·G = target, by baby-step giant-step (§10.3); null if none. */
  function boundedDlog(target, bound) {
    const m = Math.floor(Math.sqrt(bound)) + 1;
    const table = new Map();
    let point = I;
    for (let j = 0; j < m; j++) {
      table.set(e2e.pointHex(point), j);
      point = point.add(G);
    }
    const giant = mulPublic(BigInt(m), G).negate();
    point = target;
    for (let i = 0; i <= m; i++) {
      const j = table.get(e2e.pointHex(point));
      if (j !== undefined && i * m + j <= bound) return i * m + j;
      point = point.add(giant);
    }
    return null;
  }

  global.Asamblea.e2eVerify = Object.freeze({
    CheckError, parseSetup, openMessage, readCard, readDealing, readComplaint, upheld, openShare,
    ceremonyOutcome, encryptedTally, optionCiphertexts, readShares, lagrangeAtZero, combine, boundedDlog,
  });
})(globalThis);
