"""Provisioning: playbooks shipped with xcert prepare each target before its checks and clean up after.

Driven only through ansible-runner (its job events are the evidence); ``xcert certify
--no-provision`` skips it.
"""
