package dev.outrigger.iptables.config;

/** Everything one invocation needs, validated. */
public record Settings(CaptureConfig capture, Actions actions) {}
