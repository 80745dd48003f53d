"""SERVICE, FROM and LOAD never reach the network unless the caller opts in (loopback listener)."""

from __future__ import annotations

import pytest

import msbackpain
from conftest import Listener


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
        "ASK {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "LOAD <http://127.0.0.1:{port}/data.ttl>",
        "LOAD SILENT <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <http://example.org/g>",
    ],
    ids=[
        "service",
        "service-silent",
        "service-optional",
        "service-subquery",
        "ask-service",
        "from",
        "from-named",
        "load",
        "load-into",
    ],
)
def test_outbound_calls_are_refused(
    kg: msbackpain.KnowledgeGraph, listener: Listener, template: str
) -> None:
    with pytest.raises(msbackpain.QueryError) as info:
        kg.query(template.format(port=listener.port))
    assert "not allowed" in str(info.value) or "refused" in str(info.value)
    assert listener.connections == 0


def test_the_listener_does_see_an_opted_in_service_call(
    kg: msbackpain.KnowledgeGraph, listener: Listener
) -> None:
    # Proves the test above can fail: with the opt-in, rdflib really calls out.
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(msbackpain.BackendError, match="the query's remote call failed"):
        kg.query(query, allow_network=True)  # the listener closes the connection at once
    assert listener.connections >= 1
