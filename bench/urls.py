"""The product's URLs plus the bench's comparison views, used only inside ``make bench``."""

from django.urls import include, path

from bench.floor import floor, floor_with_totals
from bench.stock import StockRegisterView

bench_patterns = (
    [
        path("floor.json", floor, name="floor"),
        path("floor-with-totals.json", floor_with_totals, name="floor-with-totals"),
        path("stock/", StockRegisterView.as_view(), name="stock"),
    ],
    "bench",
)

urlpatterns = [
    path("bench/", include(bench_patterns)),
    path("", include("commissioning.urls")),
]
