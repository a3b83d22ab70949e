"""PeerOutputs: the other stack's outputs, read from the state backend.

Not a component: a thin reader over `pulumi.StackReference`, which reads the peer's
*state*, never the peer region's AWS APIs -- so the dr stack still works while the
primary region is down (design §4.1). A missing output is one clear error naming the
output, the peer stack and the deployment order, instead of a `None` deep in a resource.
"""

from __future__ import annotations

import pulumi


class MissingPeerOutput(pulumi.RunError):
    """The peer stack has not exported what this stack needs (not deployed yet)."""


class PeerOutputs:
    def __init__(self, stack_name: str, this_stack: str):
        self.stack_name = stack_name
        self.this_stack = this_stack
        self._ref = pulumi.StackReference(stack_name)

    def require(self, name: str) -> pulumi.Output:
        """An output the program cannot do without."""

        def check(value):
            if value is None:
                raise MissingPeerOutput(
                    f"stack {self.this_stack!r} needs output {name!r} of stack {self.stack_name!r}, "
                    f"which has none: deploy in order -- `pulumi up --stack primary` (first pass, "
                    f"peerWired=false), `pulumi up --stack dr`, then `pulumi up --stack primary` "
                    f"(see README, 'First deployment')"
                )
            return value

        return self._ref.get_output(name).apply(check)
