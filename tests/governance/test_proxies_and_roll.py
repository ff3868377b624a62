"""Proxies (limits, rules, letters) and the roll (good standing, frozen weights, presence,
quorum)."""

from __future__ import annotations

import pytest

from ballots.weights import Weighting, weight_of
from governance import errors
from governance.assemblies import letters, services
from governance.db import utcnow
from governance.organizations import services as registry
from tests.factories import make_organization
from tests.factories_assemblies import ACTOR, accredit, make_assembly

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_proxies_up_to_the_limit_and_not_one_more(database, settings):
    now = utcnow()
    with database.transaction() as db:
        assembly = make_assembly(db, state="accreditation", proxy_limit=2)
        holder = accredit(db, settings, assembly.id, make_organization(db).id, "Pilar")
        givers = [make_organization(db, name=f"Giver {n}") for n in range(3)]
        for giver in givers[:2]:
            services.grant_proxy(db, settings, assembly.id, giver.id, holder.delegate_id,
                                 ACTOR, now)
        with pytest.raises(errors.Conflict) as caught:
            services.grant_proxy(db, settings, assembly.id, givers[2].id, holder.delegate_id,
                                 ACTOR, now)
        assert caught.value.code == "proxy_limit"
        assert str(caught.value) == ("Pilar already holds 2 proxies, the most this assembly "
                                     "allows per delegate. Choose another delegate.")
        represented = services.represented_organizations(db, holder.delegate_id)
        assert [(r.organization_name, r.via_proxy) for r in represented] == [
            (represented[0].organization_name, False), ("Giver 0", True), ("Giver 1", True)]
        # a revoked proxy frees its place, and stays in the history
        first = services.list_proxies(db, assembly.id)[-1].proxy
        services.revoke_proxy(db, assembly.id, first.id, ACTOR, now)
        services.grant_proxy(db, settings, assembly.id, givers[2].id, holder.delegate_id,
                             ACTOR, now)
        history = services.list_proxies(db, assembly.id)
        assert len(history) == 3 and sum(1 for r in history if r.proxy.revoked_at) == 1


def test_proxy_rules(database, settings):
    now = utcnow()
    with database.transaction() as db:
        assembly = make_assembly(db, state="accreditation")
        a, b = make_organization(db), make_organization(db)
        suspended = make_organization(db, standing="suspended")
        free = make_organization(db)
        delegate_a = accredit(db, settings, assembly.id, a.id)
        accredit(db, settings, assembly.id, b.id)
        cases = [
            (a.id, "own_organization"),  # to its own delegate
            (b.id, "delegate_exists"),  # an organization with its own delegate
            (suspended.id, "no_voting_right"),  # not in good standing
        ]
        for giver, code in cases:
            with pytest.raises(errors.Conflict) as caught:
                services.grant_proxy(db, settings, assembly.id, giver, delegate_a.delegate_id,
                                     ACTOR, now)
            assert caught.value.code == code
        services.grant_proxy(db, settings, assembly.id, free.id, delegate_a.delegate_id, ACTOR,
                             now)
        with pytest.raises(errors.Conflict):  # twice
            services.grant_proxy(db, settings, assembly.id, free.id, delegate_a.delegate_id,
                                 ACTOR, now)
        with pytest.raises(errors.Conflict):  # a delegate for an organization that gave its vote
            accredit(db, settings, assembly.id, free.id)
        # revoking the holder's credential lets its proxies lapse
        services.revoke_credential(db, assembly.id, delegate_a.delegate_id, ACTOR, now)
        assert all(r.proxy.revoked_at for r in services.list_proxies(db, assembly.id))


@pytest.mark.parametrize(("raw", "content_type"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")])
def test_letters_are_recognized_by_their_bytes(raw, content_type, settings):
    letter = letters.check(raw, "../../carta poder.bin")
    assert letter.content_type == content_type
    assert "/" not in letter.filename and letter.filename.endswith(letter.extension)
    path = letters.store(settings.data_dir, letter, raw)
    assert path.read_bytes() == raw and path.parent == settings.data_dir / "proxy-letters"


@pytest.mark.parametrize("raw", [b"", b"GIF89a....", b"<html><script>", b"PK\x03\x04zip"])
def test_other_files_are_refused_whatever_their_name(raw):
    with pytest.raises(errors.InvalidInput):
        letters.check(raw, "carta.pdf")


def test_letters_over_5_mb_are_refused():
    with pytest.raises(errors.PayloadTooLarge):
        letters.check(PDF + b"0" * letters.MAX_BYTES, "carta.pdf")


def test_a_letter_travels_with_the_proxy(database, settings):
    with database.transaction() as db:
        assembly = make_assembly(db)
        holder = accredit(db, settings, assembly.id, make_organization(db).id)
        proxy = services.grant_proxy(db, settings, assembly.id, make_organization(db).id,
                                     holder.delegate_id, ACTOR, utcnow(), letter=(PNG, "c.png"))
        assert (proxy.letter_content_type, proxy.letter_size) == ("image/png", len(PNG))
        with pytest.raises(errors.InvalidInput):
            services.attach_letter(db, settings, assembly.id, proxy.id, b"MZ\x90", "x.pdf",
                                   ACTOR, utcnow())
        services.attach_letter(db, settings, assembly.id, proxy.id, PDF, "carta.pdf", ACTOR,
                               utcnow())
        assert proxy.letter_content_type == "application/pdf"


def _registry(db):
    return {
        "big": make_organization(db, members=900),
        "small": make_organization(db, members=0),
        "mid": make_organization(db, members=121),
        "suspended": make_organization(db, members=5000, standing="suspended"),
        "arrears": make_organization(db, members=300, standing="arrears"),
    }


def test_the_roll_gives_rights_only_in_good_standing_with_frozen_weights(database, settings):
    now = utcnow()
    with database.transaction() as db:
        orgs = _registry(db)
        assembly = make_assembly(db, state="accreditation",
                                 weighting={"scheme": "sqrt", "max_weight": 25})
        with pytest.raises(errors.Conflict):
            services.roll(db, assembly.id)
        for key in ("big", "suspended"):
            issued = accredit(db, settings, assembly.id, orgs[key].id)
            services.check_in(db, assembly.id, issued.delegate_id, ACTOR, now)
        holder = accredit(db, settings, assembly.id, orgs["mid"].id)
        services.grant_proxy(db, settings, assembly.id, orgs["small"].id, holder.delegate_id,
                             ACTOR, now)
        services.freeze_roll(db, assembly.id, ACTOR, now)
        assembly_id = assembly.id
        ids = {key: org.id for key, org in orgs.items()}
    weighting = Weighting.from_dict({"scheme": "sqrt", "max_weight": 25})
    expected = {ids["big"]: (weight_of(900, weighting), True),
                ids["small"]: (weight_of(0, weighting), False),
                ids["mid"]: (weight_of(121, weighting), False)}
    with database.transaction(write=False) as db:
        rows = services.roll(db, assembly_id)
    assert {r.organization_id: (r.weight, r.present) for r in rows} == expected
    assert expected[ids["big"]][0] == 25  # the cap applied: ⌊√900⌋ = 30 → 25

    # registry edits after freezing change nothing on the roll
    with database.transaction() as db:
        registry.update_organization(db, ids["big"], {"members": 10, "name": "Renamed"})
        registry.update_organization(db, ids["suspended"], {"standing": "active"})
        registry.update_organization(db, ids["mid"], {"standing": "suspended"})
        make_organization(db, members=10_000)
    with database.transaction(write=False) as db:
        after = services.roll(db, assembly_id)
    assert {r.organization_id: r.weight for r in after} == {
        k: w for k, (w, _p) in expected.items()}
    assert "Renamed" not in {r.organization_name for r in after}

    # presence is live: the proxy holder checks in
    with database.transaction() as db:
        services.check_in(db, assembly_id, holder.delegate_id, ACTOR, now)
        present = {r.organization_id for r in services.roll(db, assembly_id) if r.present}
    assert present == {ids["big"], ids["mid"], ids["small"]}


def test_freezing_is_once_and_only_during_accreditation_or_session(database):
    now = utcnow()
    with database.transaction() as db:
        make_organization(db)
        planned = make_assembly(db)
        with pytest.raises(errors.Conflict) as caught:
            services.freeze_roll(db, planned.id, ACTOR, now)
        assert caught.value.code == "bad_state"
        running = make_assembly(db, state="in_session")
        services.freeze_roll(db, running.id, ACTOR, now)
        with pytest.raises(errors.Conflict) as caught:
            services.freeze_roll(db, running.id, ACTOR, now)
        assert caught.value.code == "roll_frozen"


def test_after_freezing_only_organizations_on_the_roll_give_proxies(database, settings):
    now = utcnow()
    with database.transaction() as db:
        assembly = make_assembly(db, state="in_session")
        holder = accredit(db, settings, assembly.id, make_organization(db).id)
        services.freeze_roll(db, assembly.id, ACTOR, now)
        late = make_organization(db)
        with pytest.raises(errors.Conflict) as caught:
            services.grant_proxy(db, settings, assembly.id, late.id, holder.delegate_id, ACTOR,
                                 now)
        assert caught.value.code == "no_voting_right"


@pytest.mark.parametrize(("mode", "weight_pct", "orgs_pct", "met"), [
    ("and", 50, 50, False), ("or", 50, 50, True), ("and", 50, 0, True), ("and", 0, 34, False),
    ("and", 0, 33, True)])
def test_quorum_counts_weight_and_organizations_in_integers(database, settings, mode,
                                                              weight_pct, orgs_pct, met):
    # weights 6, 2, 1; only the heaviest present: 6/9 of the weight, 1/3 of the organizations
    now = utcnow()
    with database.transaction() as db:
        heavy = make_organization(db, members=6)
        make_organization(db, members=2)
        make_organization(db, members=1)
        assembly = make_assembly(db, state="in_session", weighting={"scheme": "members"},
                                 quorum_mode=mode, quorum_weight_pct=weight_pct,
                                 quorum_orgs_pct=orgs_pct)
        issued = accredit(db, settings, assembly.id, heavy.id)
        services.check_in(db, assembly.id, issued.delegate_id, ACTOR, now)
        services.freeze_roll(db, assembly.id, ACTOR, now)
        status = services.quorum(assembly, services.roll(db, assembly.id))
    assert (status.total_weight, status.present_weight) == (9, 6)
    assert (status.organizations, status.present_organizations) == (3, 1)
    assert status.met is met
