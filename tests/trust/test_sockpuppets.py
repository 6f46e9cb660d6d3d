"""Sockpuppets, table-driven: accounts on one device or one small network that prop each other
up are caught; colleagues behind an office network, a university NAT, accounts that share
nothing, or that share a device without acting on each other, are not. Every setting is tried
at its edge."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors.events import Interaction, Trace
from community.trust.detectors.sockpuppets import NAME, Settings, detect

T0 = datetime(2026, 10, 1, 9, 0)


def on(kind, key, *accounts):
    """The accounts were seen on one device or network."""
    return [Trace(a, kind, key, T0 + timedelta(minutes=i)) for i, a in enumerate(accounts)]


def acts(source, target, n, kind="vote", first=1, at=T0 + timedelta(days=1)):
    """``n`` interactions of ``source`` on ``target``'s content, an hour apart."""
    return [Interaction(source, target, kind, ("idea", first + i), at + timedelta(hours=i))
            for i in range(n)]


def office(n=10, key="office-net"):
    return on("net", key, *range(100, 100 + n))


def test_the_defaults():
    assert Settings() == Settings(
        device_weight=1.0, network_weight=0.5, vote_weight=1.0, helpful_weight=1.0,
        reply_weight=0.5, support_half=3.0, min_support=2.0, min_score=0.2, max_pairs=100)


def test_a_second_account_on_the_same_device_propping_up_the_first():
    traces = on("device", "d-7f3a", 1, 2) + on("net", "home-1", 1)
    (finding,) = detect(traces, acts(2, 1, 3))
    assert finding.detector == NAME == "sockpuppets"
    assert finding.subjects == (("account", 1), ("account", 2))
    assert finding.score == 0.5  # device 1.0 * 3/(3 + 3) * one way 1.0
    assert finding.evidence == {
        "accounts": [1, 2],
        "pair_count": 1,
        "pairs": [{
            "accounts": [1, 2], "shared": ["same device"], "accounts_behind": 2,
            "support": 3.0, "one_way": 1.0, "score": 0.5,
            "interactions": [{
                "from": 2, "to": 1, "kind": "vote", "count": 3,
                "first": "2026-10-02T09:00:00", "last": "2026-10-02T11:00:00",
                "subjects": [["idea", 1], ["idea", 2], ["idea", 3]]}]}]}
    assert "d-7f3a" not in repr(finding.evidence)  # the hash itself is never shown


@pytest.mark.parametrize(("traces", "interactions", "score"), [
    # alone on a home network, three votes one way: 0.5 * 2/2 * 3/6 * 1
    (on("net", "home", 1, 2), acts(2, 1, 3), 0.25),
    # a device, three votes each way: 1 * 6/9 * 0.5
    (on("device", "d", 1, 2), acts(2, 1, 3) + acts(1, 2, 3, first=10), 0.333),
    # a device, four replies: support 2 (a reply is half), 1 * 2/5 * 1
    (on("device", "d", 1, 2), acts(2, 1, 4, kind="reply"), 0.4),
    # a device, three helpful marks: 1 * 3/6 * 1
    (on("device", "d", 1, 2), acts(2, 1, 3, kind="helpful"), 0.5),
    # a device, nine votes: 1 * 9/12
    (on("device", "d", 1, 2), acts(2, 1, 9), 0.75),
    # two votes one way, one back: one way 2/3, 1 * 3/6 * 2/3
    (on("device", "d", 1, 2), acts(2, 1, 2) + acts(1, 2, 1, first=10), 0.333),
])
def test_pairs_it_catches(traces, interactions, score):
    (finding,) = detect(traces, interactions)
    assert finding.subjects == (("account", 1), ("account", 2))
    assert finding.score == pytest.approx(score, abs=5e-4)
    assert finding.evidence["pairs"][0]["score"] == pytest.approx(score, abs=5e-4)


@pytest.mark.parametrize(("traces", "interactions"), [
    # two colleagues behind the office network who vote differently
    pytest.param(office(), acts(100, 500, 5) + acts(101, 600, 5), id="colleagues"),
    # a few replies between them: conversation, not propping up (support 1)
    pytest.param(office(2), acts(100, 101, 1, kind="reply") + acts(101, 100, 1, kind="reply"),
                 id="office-of-two-replying"),
    # an office of ten, one votes for a colleague's ideas six times: 0.5 * 2/10 * 6/9 = 0.067
    pytest.param(office(), acts(100, 101, 6), id="office-of-ten-supporting"),
    # a university NAT: fifty accounts behind it, twenty votes: 0.5 * 2/50 * 20/23 = 0.035
    pytest.param(office(50), acts(100, 101, 20), id="university-nat"),
    # support between accounts that share nothing
    pytest.param(on("device", "a", 1) + on("device", "b", 2), acts(2, 1, 9), id="no-sharing"),
    # support between accounts never traced
    pytest.param([], acts(2, 1, 9), id="no-traces"),
    # a shared device (a family computer) without support
    pytest.param(on("device", "d", 1, 2), [], id="device-no-support"),
    # support on one's own content does not count
    pytest.param(on("device", "d", 1, 2), acts(1, 1, 9) + acts(2, 1, 1), id="self-support"),
    # traces of an unknown kind are ignored
    pytest.param(on("ip", "x", 1, 2), acts(2, 1, 9), id="unknown-trace-kind"),
    # interactions of an unknown kind weigh nothing, either way
    pytest.param(on("device", "d", 1, 2), acts(2, 1, 9, kind="follow"), id="unknown-act-kind"),
    pytest.param(on("device", "d", 1, 2), acts(1, 2, 9, kind="follow") + acts(2, 1, 1),
                 id="unknown-act-kind-forward"),
])
def test_honest_look_alikes_are_not_flagged(traces, interactions):
    assert detect(traces, interactions) == []


def test_a_cluster_of_puppets_is_one_finding():
    traces = on("device", "d", 1, 2, 3)
    (finding,) = detect(traces, acts(2, 1, 3) + acts(3, 1, 9, first=20))
    assert finding.subjects == (("account", 1), ("account", 2), ("account", 3))
    assert finding.score == 0.75  # the strongest pair: 1 * 9/12
    assert finding.evidence["accounts"] == [1, 2, 3]
    assert [(p["accounts"], p["score"], p["accounts_behind"])
            for p in finding.evidence["pairs"]] == [([1, 2], 0.5, 3), ([1, 3], 0.75, 3)]


def test_interactions_are_summed_by_direction_and_kind():
    interactions = (acts(2, 1, 2, kind="vote", first=5) + acts(2, 1, 1, kind="helpful")
                    + acts(1, 2, 2, kind="reply", first=30, at=T0 + timedelta(days=3)))
    (finding,) = detect(on("device", "d", 1, 2), interactions)
    pair = finding.evidence["pairs"][0]
    assert pair["support"] == 4.0  # 2 votes + 1 helpful + 2 half-replies
    assert pair["one_way"] == 0.75
    assert pair["score"] == pytest.approx(4 / 7 * 0.75, abs=5e-4)
    assert pair["interactions"] == [
        {"from": 1, "to": 2, "kind": "reply", "count": 2, "first": "2026-10-04T09:00:00",
         "last": "2026-10-04T10:00:00", "subjects": [["idea", 30], ["idea", 31]]},
        {"from": 2, "to": 1, "kind": "helpful", "count": 1, "first": "2026-10-02T09:00:00",
         "last": "2026-10-02T09:00:00", "subjects": [["idea", 1]]},
        {"from": 2, "to": 1, "kind": "vote", "count": 2, "first": "2026-10-02T09:00:00",
         "last": "2026-10-02T10:00:00", "subjects": [["idea", 5], ["idea", 6]]}]


def test_what_is_shared_strongest_first():
    both = on("device", "d", 1, 2) + on("net", "home", 1, 2)
    (finding,) = detect(both, acts(2, 1, 3))
    assert finding.evidence["pairs"][0]["shared"] == ["same device", "same network"]
    assert finding.score == 0.5  # the device decides
    # a weak device weight: the home network (0.5) is the stronger link
    (finding,) = detect(both, acts(2, 1, 3), settings=Settings(device_weight=0.4))
    assert finding.evidence["pairs"][0]["shared"] == ["same network", "same device"]
    assert finding.score == 0.25
    # two networks (home of two, office of ten): one label, the home decides
    two = on("net", "home", 1, 2) + on("net", "office", 1, 2, *range(100, 108))
    (finding,) = detect(two, acts(2, 1, 3))
    assert finding.evidence["pairs"][0]["shared"] == ["same network"]
    assert finding.evidence["pairs"][0]["accounts_behind"] == 2
    assert finding.score == 0.25


def test_a_network_weighs_less_the_more_accounts_behind_it():
    four = on("net", "flat", 1, 2, 3, 4)
    assert detect(four, acts(2, 1, 9)) == []  # 0.5 * 2/4 * 9/12 = 0.1875
    (finding,) = detect(four, acts(2, 1, 9), settings=Settings(min_score=0.18))
    assert finding.score == 0.188
    assert finding.evidence["pairs"][0]["accounts_behind"] == 4


def test_a_device_does_not_weigh_less_with_more_accounts():
    (finding,) = detect(on("device", "d", 1, 2, 3, 4, 5), acts(2, 1, 3))
    assert finding.score == 0.5
    assert finding.evidence["pairs"][0]["accounts_behind"] == 5


def test_min_support_edge():
    device = on("device", "d", 1, 2)
    (finding,) = detect(device, acts(2, 1, 2))
    assert finding.score == 0.4  # 1 * 2/5
    assert detect(device, acts(2, 1, 2), settings=Settings(min_support=2.01)) == []
    assert detect(device, acts(2, 1, 1)) == []  # 1 * 1/4 = 0.25 would pass the score
    (finding,) = detect(device, acts(2, 1, 1), settings=Settings(min_support=1.0))
    assert finding.score == 0.25


def test_min_score_edge():
    home = on("net", "home", 1, 2)
    assert len(detect(home, acts(2, 1, 3), settings=Settings(min_score=0.25))) == 1
    assert detect(home, acts(2, 1, 3), settings=Settings(min_score=0.26)) == []


@pytest.mark.parametrize(("settings", "score"), [
    (Settings(device_weight=0.8), 0.4),  # 0.8 * 3/6
    (Settings(support_half=1.0), 0.75),  # 3/4
    (Settings(vote_weight=2.0), 0.667),  # support 6: 6/9
    (Settings(helpful_weight=2.0), 0.5),  # votes only: unchanged
    (Settings(reply_weight=0.0), 0.5),
])
def test_each_weight_is_a_setting(settings, score):
    (finding,) = detect(on("device", "d", 1, 2), acts(2, 1, 3), settings=settings)
    assert finding.score == pytest.approx(score, abs=5e-4)


@pytest.mark.parametrize(("settings", "score"), [
    (Settings(), 0.4),  # 4 replies = support 2: 2/5
    (Settings(reply_weight=1.0), 0.571),  # 4/7
    (Settings(network_weight=1.0), 0.4),  # a device: the network weight plays no part
])
def test_reply_weight(settings, score):
    (finding,) = detect(on("device", "d", 1, 2), acts(2, 1, 4, kind="reply"),
                        settings=settings)
    assert finding.score == pytest.approx(score, abs=5e-4)


def test_network_weight():
    home = on("net", "home", 1, 2)
    (finding,) = detect(home, acts(2, 1, 3), settings=Settings(network_weight=1.0))
    assert finding.score == 0.5
    (finding,) = detect(home, acts(2, 1, 3, kind="helpful"),
                        settings=Settings(helpful_weight=2.0))
    assert finding.score == 0.333  # 0.5 * 6/9


def test_findings_are_ordered_by_score_then_accounts():
    traces = on("device", "a", 5, 6) + on("device", "b", 1, 2) + on("net", "c", 3, 4)
    interactions = acts(6, 5, 3) + acts(2, 1, 3) + acts(4, 3, 9)
    found = detect(traces, interactions)
    assert [f.subjects for f in found] == [
        (("account", 1), ("account", 2)), (("account", 5), ("account", 6)),
        (("account", 3), ("account", 4))]
    assert [f.score for f in found] == [0.5, 0.5, 0.375]


def test_pairs_that_fail_do_not_hide_later_ones():
    traces = (on("device", "a", 1, 2) + on("net", "office", 3, 4, *range(100, 108))
              + on("device", "b", 5, 6))
    interactions = (acts(7, 7, 3)  # on one's own content
                    + acts(2, 1, 1)  # too little support
                    + acts(4, 3, 9)  # too weak a link: 0.5 * 2/10 * 9/12
                    + acts(6, 5, 3))
    assert [f.subjects for f in detect(traces, interactions)] == [
        (("account", 5), ("account", 6))]


def test_the_evidence_is_rounded():
    # 3 votes and a reply weighing 1/3: support 3.333, score 3.333/6.333 = 0.5263
    settings = Settings(reply_weight=1 / 3)
    (finding,) = detect(on("device", "d", 1, 2), acts(2, 1, 3) + acts(2, 1, 1, kind="reply"),
                        settings=settings)
    pair = finding.evidence["pairs"][0]
    assert (pair["support"], pair["one_way"], pair["score"]) == (3.33, 1.0, 0.526)
    assert finding.score == 0.526
    # two votes one way and one back: one way 2/3, score 1 * 3/6 * 2/3
    (finding,) = detect(on("device", "d", 1, 2), acts(2, 1, 2) + acts(1, 2, 1, first=9))
    pair = finding.evidence["pairs"][0]
    assert (pair["support"], pair["one_way"], pair["score"]) == (3.0, 0.667, 0.333)


def test_max_pairs_edge():
    traces = on("device", "d", 1, 2, 3)
    interactions = acts(2, 1, 3) + acts(3, 1, 9, first=20)
    (finding,) = detect(traces, interactions, settings=Settings(max_pairs=2))
    assert len(finding.evidence["pairs"]) == 2
    (finding,) = detect(traces, interactions, settings=Settings(max_pairs=1))
    assert finding.evidence["pair_count"] == 2
    assert [p["accounts"] for p in finding.evidence["pairs"]] == [[1, 2]]
    assert finding.score == 0.75  # the strongest pair counts, listed or not
