"""A journey walked as the code review of 2026-12 walked it (../shared/reviews, §2): the files of
our package a request passes through, in order, with how often it comes back to a file it had
already left. Each of our functions counts once, at its first call, and only when our own code
calls it, outside the page's rendering: what a library calls back (a form's validate, an ORM
event, a template's globals) is not a step, though what it calls of ours is (but for rendering:
the frame, the menus and the macros are not the journey)."""

import sys
from dataclasses import dataclass
from pathlib import Path

import jinja2

PACKAGE = str(Path(__file__).resolve().parent.parent / "pairs_group") + "/"
JINJA = str(Path(jinja2.__file__).parent) + "/"


@dataclass
class Walk:
    steps: list  # (file under pairs_group/, function name), first calls in order

    @property
    def stays(self):
        """[(file, [functions])]: consecutive steps in one file folded into one stay."""
        found = []
        for path, name in self.steps:
            if found and found[-1][0] == path:
                found[-1][1].append(name)
            else:
                found.append((path, [name]))
        return found

    @property
    def returns(self):
        """How many stays are in a file the walk had already left."""
        left, count = set(), 0
        stays = [path for path, _names in self.stays]
        for before, path in zip([None, *stays], stays, strict=False):
            count += path in left
            left.add(before)
        return count

    def __str__(self):
        lines = [f"{len(self.stays)} stays, {self.returns} returns"]
        lines += [f"  {path}: {', '.join(names)}" for path, names in self.stays]
        return "\n".join(lines)


def in_package(frame):
    return frame.f_code.co_filename.startswith(PACKAGE)


def ours(code):
    """One of our functions (not a comprehension or lambda inside one)."""
    return code.co_filename.startswith(PACKAGE) and not code.co_name.startswith("<")


def rendering(frame, start):
    """Whether a template is rendering between the start and this frame."""
    while frame is not None and frame is not start:
        if frame.f_code.co_filename.startswith(JINJA) or frame.f_code.co_name == "root":
            return True
        frame = frame.f_back
    return False


def walk(call, *args, **kwargs):
    """(call's result, the Walk it took)."""
    seen, steps, start = set(), [], []

    def profile(frame, event, _arg):
        code = frame.f_code
        if event != "call" or code in seen or not ours(code):
            return
        if not start:
            start.append(frame.f_back)
        elif not in_package(frame.f_back) or rendering(frame, start[0]):
            return
        seen.add(code)
        steps.append((code.co_filename.removeprefix(PACKAGE), code.co_name))

    sys.setprofile(profile)
    try:
        result = call(*args, **kwargs)
    finally:
        sys.setprofile(None)
    return result, Walk(steps)


def walk_view(app, endpoint, request):
    """The Walk of the endpoint's view while request() (a test client call) runs, and its
    response."""
    view, taken = app.view_functions[endpoint], []

    def walked(*args, **kwargs):
        result, found = walk(view, *args, **kwargs)
        taken.append(found)
        return result

    app.view_functions[endpoint] = walked
    try:
        response = request()
    finally:
        app.view_functions[endpoint] = view
    assert len(taken) == 1, f"{endpoint} was not reached once"
    return response, taken[0]
