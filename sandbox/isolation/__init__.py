"""Isolation layers for running a submitted service: detection, limits, launch and teardown."""

from sandbox.isolation.launch import ServiceProcess, launch
from sandbox.isolation.layers import SANDBOX_USER, HostIsolation, Layer, detect_host, ensure_sandbox_user
from sandbox.isolation.limits import ResourceLimits

__all__ = [
    "SANDBOX_USER",
    "HostIsolation",
    "Layer",
    "ResourceLimits",
    "ServiceProcess",
    "detect_host",
    "ensure_sandbox_user",
    "launch",
]
