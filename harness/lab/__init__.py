"""The local multi-host lab: network namespaces with their own sshd, made and removed by ``xcert lab``.

Everything lives under one state directory (``$XCERT_LAB_DIR``, default /tmp/xcert-lab), never in
the repository; lab addresses stay on a bridge of this machine with no route out.
"""
