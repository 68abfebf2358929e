"""What a long-running web process does once its app is built, before it serves a page."""

import gc

# Python's collector runs its young generation each time 700 more objects are alive than
# when it last ran. A register builds some 130 rows' objects and the words around them, so it
# ran about twice a page, walking objects that reference counting frees a moment later anyway;
# and its oldest generation walked the ~200,000 objects loaded at start (modules, mappers,
# compiled templates) that live as long as the process. Measured on the register page: 0.4-0.8
# ms of collecting a page before, under 0.1 after.
YOUNG_GENERATION_THRESHOLD = 7000


def settle_for_serving():
    """Take what was loaded at start out of the collector's walks (gc.freeze) and let a page's
    own objects be freed by reference counting rather than collected during the page."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
