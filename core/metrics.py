"""Prometheus metrics. Request metrics are per process; anything read from the database
(outbox depth etc.) is collected at scrape time so every process reports the same truth."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "bawaba_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"],
    registry=REGISTRY)
HTTP_LATENCY = Histogram(
    "bawaba_http_request_seconds", "Time to answer an HTTP request", ["endpoint"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5), registry=REGISTRY)

GaugeSource = Callable[[], Iterable[tuple[str, str, dict[str, str], float]]]


class _ScrapeTimeGauges(Collector):
    """Gauges computed when /metrics is read; sources register with `add_gauge_source`."""

    def __init__(self) -> None:
        self.sources: list[GaugeSource] = []

    def collect(self) -> Iterable[GaugeMetricFamily]:
        families: dict[str, GaugeMetricFamily] = {}
        for source in self.sources:
            for name, doc, labels, value in source():
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(name, doc, labels=list(labels))
                family.add_metric(list(labels.values()), value)
        return list(families.values())

    def describe(self) -> Iterable[GaugeMetricFamily]:
        return []


_gauges = _ScrapeTimeGauges()
REGISTRY.register(_gauges)


def add_gauge_source(source: GaugeSource) -> None:
    if source not in _gauges.sources:
        _gauges.sources.append(source)
