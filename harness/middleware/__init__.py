"""Java application servers: their declaration (``xc_middleware_targets``) and what a host shows of them."""
