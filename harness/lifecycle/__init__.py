"""The lifecycle layer: declared services (``xc_services``), the host's port matrix (``xc_ports``),
listening sockets, and the operations checks run on a service (status, stop, start, kill, recover)."""
