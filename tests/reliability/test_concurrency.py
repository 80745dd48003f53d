"""Several threads querying one graph get identical answers and never corrupt its caches."""

from __future__ import annotations

import threading
import time

import msbackpain


def test_four_threads_for_ten_seconds_get_identical_results() -> None:
    kg = msbackpain.load("ontology/msbackpain.ttl")  # a fresh, uncached graph (bundle + a copy)
    expected = {
        "treatments": sorted(r.key for r in msbackpain.load().treatments_for("Lhermitte's sign")),
        "triggers": sorted(r.key for r in msbackpain.load().triggers_of("spasticity")),
        "query": 4,
    }
    results: list[dict[str, object]] = []
    errors: list[BaseException] = []
    deadline = time.monotonic() + 10

    def worker() -> None:
        try:
            while time.monotonic() < deadline:
                results.append(
                    {
                        "treatments": sorted(r.key for r in kg.treatments_for("Lhermitte's sign")),
                        "triggers": sorted(r.key for r in kg.triggers_of("spasticity")),
                        "query": len(
                            kg.query(
                                "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }", timeout=None
                            )
                        ),
                    }
                )
        except BaseException as err:  # noqa: BLE001 - report to the main thread
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) > 100
    assert all(result == expected for result in results)
