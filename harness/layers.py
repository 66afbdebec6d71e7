"""The one registry of layers: what a layer is called, its check-id code, where it sorts, its catalog,
its pytest plugin and its report section.

Everything that used to spell the layer list out (checks, catalog, identification, results, the
report) reads it from here, so a new layer is one ``Layer(...)`` line below and its suite folder.
Plain data, no imports from the rest of harness: every module may import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    #: the name checks declare (``layer="os"``) and results carry
    name: str
    #: the id code: checks of this layer are ``XC-<code>-NNN``
    code: str
    #: where the layer sorts in results and reports (lower first)
    order: int
    #: the catalog file (``harness/catalog/<file>``) that identifies its components; None: nothing to identify
    catalog: str | None = None
    #: a pytest plugin module the host worker loads for this layer's checks (fixtures, parametrization)
    plugin: str | None = None
    #: the msgid of the heading of the layer's section in reports (the reports translate it; "" = the name)
    report_section: str = ""

    @property
    def section(self) -> str:
        return self.report_section or self.name


REGISTRY: tuple[Layer, ...] = (
    Layer("cpu", "CPU", 10, catalog="cpu.yml"),
    Layer("os", "OS", 20, catalog="os.yml"),
    Layer("server", "SRV", 30, catalog="server.yml"),
    Layer("db", "DB", 40, catalog="db.yml", plugin="harness.db.pytest_db"),
    Layer("middleware", "MW", 50, catalog="middleware.yml"),
    Layer("integration", "INT", 60),
    Layer("lifecycle", "LC", 70),
    # users' own tests (xcert certify --suite DIR, harness/usersuite): their own section, advisory by default
    Layer("user", "USER", 80, report_section="User checks"),
)

_ORDERED = tuple(sorted(REGISTRY, key=lambda layer: layer.order))
BY_NAME: dict[str, Layer] = {layer.name: layer for layer in _ORDERED}

#: layer names in report order
LAYERS: tuple[str, ...] = tuple(layer.name for layer in _ORDERED)
#: layer name -> id code
LAYER_CODES: dict[str, str] = {layer.name: layer.code for layer in _ORDERED}
#: layers whose components are identified from a catalog file, in report order
CATALOG_LAYERS: tuple[str, ...] = tuple(layer.name for layer in _ORDERED if layer.catalog)
#: pytest plugins of the layers, loaded with the harness's own plugin
PLUGINS: tuple[str, ...] = tuple(layer.plugin for layer in _ORDERED if layer.plugin)


def order_of(name: str) -> int:
    """Sort key of a layer name; an unknown layer sorts last."""
    layer = BY_NAME.get(name)
    return layer.order if layer is not None else 1_000_000


def _validate() -> None:
    names = [layer.name for layer in REGISTRY]
    codes = [layer.code for layer in REGISTRY]
    if len(set(names)) != len(names) or len(set(codes)) != len(codes):
        raise ValueError("layer registry: a name or a code is registered twice")


_validate()
