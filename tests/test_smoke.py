def test_both_stacks_run_offline(topology):
    assert topology.primary.exports["region"] == "us-east-1"
    assert topology.dr.exports["region"] == "us-west-2"
    assert {r.region for r in topology.dr.custom()} == {"us-west-2"}
    assert {r.region for r in topology.primary.custom()} == {"us-east-1"}
