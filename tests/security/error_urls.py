"""The site's URLs plus one page that fails, to see what a visitor gets from an unhandled error."""

from django.urls import path

from commissioning.urls import handler500, urlpatterns


def failing_page(request):
    raise RuntimeError("a bug in a page")


urlpatterns = [*urlpatterns, path("failing-page/", failing_page)]

__all__ = ["handler500", "urlpatterns"]
