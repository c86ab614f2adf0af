from tests.api.image.conftest import _leave_no_images

__all__ = ["_leave_no_images"]
