"""Every bucket replicates to a bucket in another region -- resolved, not assumed."""

from collections.abc import Mapping

from ...estimate import bucket_region
from ...resources import S3_BUCKETS, S3_REPLICATION
from ..base import Finding, NotApplicable, Rule, computed, each, is_unknown


def check(ix, ctx, cfg):
    if not ctx.peer_wired:
        raise NotApplicable("first deployment (peerWired: false): the dr bucket does not exist yet")

    def judge(bucket):
        configs = ix.attached(S3_REPLICATION, bucket)
        own = bucket.region or ctx.region
        if not configs:
            yield Finding(f"S3 bucket `{bucket.label}` must replicate to a bucket in another region; got no replication configuration", bucket.urn)
            return
        problems = []
        for cfg_res in configs:
            rules = cfg_res.get("rules", default=[])
            if is_unknown(rules):
                raise computed("rules")
            for rule in rules or []:
                if not isinstance(rule, Mapping) or rule.get("status") != "Enabled":
                    continue
                dest = (rule.get("destination") or {}).get("bucket")
                if is_unknown(dest):
                    raise computed("rules.destination.bucket")
                region, how = bucket_region(dest, ix, ctx)
                rule_id = rule.get("id") or "(unnamed)"
                if region is None:
                    problems.append(
                        f"rule `{rule_id}` replicates to `{dest}`, whose region cannot be resolved (not a bucket of this stack, "
                        "not the peer stack's bucketArn, not named `<bucketPrefix>-<region>`)"
                    )
                elif region == own:
                    problems.append(f"rule `{rule_id}` replicates to `{dest}` in {region}, its own region (resolved from {how})")
                else:
                    return
        got = "; ".join(problems) if problems else "every replication rule is disabled"
        yield Finding(f"S3 bucket `{bucket.label}` must replicate to a bucket in another region; {got}", bucket.urn)

    yield from each(ix.of_type(*S3_BUCKETS), judge, none="no S3 bucket in this stack")


POLICY = Rule(
    name="s3-cross-region-replication",
    area="storage",
    description="Every S3 bucket has an enabled replication rule to a bucket in another region (the destination's region "
    "is resolved from this stack's buckets, the peer stack's outputs or the topology's bucket naming).",
    why="The object store's region-loss path (L3). A rule to a bucket in the same region passes a 'replication exists' "
    "check and protects nothing (design §8).",
    remediation="Replicate to the peer region's bucket (the peer stack's `bucketArn`); components/object_store.py does "
    "once the stacks are wired.",
    severity="critical",
    tags=("storage", "replication", "L3"),
    stack=True,
    check=check,
)
