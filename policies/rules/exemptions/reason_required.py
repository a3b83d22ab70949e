"""An exemption without a reason is itself a violation."""

from ... import exemptions
from ..base import Finding, Rule


def check(ix, ctx, cfg):
    from ...pack import RULES

    names = {r.name for r in RULES}
    entries, problems = exemptions.load()
    for problem in problems:
        yield Finding(problem)
    for e in entries:
        what = f"exemption #{e.index} ({e.policy or 'no policy'} for `{e.resource or 'no resource'}`)"
        if not e.reason.strip():
            yield Finding(f"{what} has no reason: an exemption must say why, and exempts nothing until it does")
        if e.policy and e.policy not in names:
            yield Finding(f"{what} names a policy that is not in the pack")
        if not e.policy or not e.resource:
            yield Finding(f"{what} must name both a policy and a resource")


POLICY = Rule(
    name="exemption-reason-required",
    area="exemptions",
    description="Every exemption in policies/exemptions.json names a policy of the pack and a resource, and gives a reason.",
    why="An exception nobody can explain is a hole nobody will close; the reason is what a reviewer approves.",
    remediation="Add a `reason` (what is accepted, why, and when to revisit) or delete the exemption.",
    severity="high",
    tags=("exemptions",),
    stack=True,
    check=check,
)
