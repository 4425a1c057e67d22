"""The sync protocol: push, pull, the mutation registry and its REST door."""
