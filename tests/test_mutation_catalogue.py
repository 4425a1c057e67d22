"""Client and server agree on the sync protocol's mutations: the catalogue in lmsdesk.contracts
names each once, the server handles exactly those, and the client applies exactly those, each
with the catalogue's own argument model."""

from __future__ import annotations

import re

from lmsdesk.contracts.mutations import BY_NAME, CATALOGUE
from lmsdesk.sync.local_mutations import LOCAL_MUTATIONS
from lmsdesk_server.sync.service.registry import REGISTRY


def test_every_mutation_is_named_once_with_a_version() -> None:
    assert len(BY_NAME) == len(CATALOGUE)
    for mutation in CATALOGUE:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+@[1-9][0-9]*", mutation.name), mutation.name


def test_the_server_handles_exactly_the_catalogue_with_its_arguments() -> None:
    assert set(REGISTRY) == set(BY_NAME)
    for name, spec in REGISTRY.items():
        assert spec.mutation is BY_NAME[name]


def test_the_client_applies_exactly_the_catalogue_with_its_arguments() -> None:
    assert set(LOCAL_MUTATIONS) == set(BY_NAME)
    for name, local in LOCAL_MUTATIONS.items():
        assert local.mutation is BY_NAME[name]
