package dev.outrigger.core;

import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.http.UpstreamPools;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.route.UpstreamConnector;
import dev.outrigger.core.stats.ListenerStats;
import dev.outrigger.core.telemetry.Telemetry;

/** What every connection of one listener shares: its counters, logs, settings and upstream pools. */
public record ListenerContext(
    Direction direction,
    ListenerStats stats,
    AccessLog accessLog,
    Telemetry telemetry,
    UpstreamConnector connector,
    HttpSettings http,
    UpstreamPools pools) {}
