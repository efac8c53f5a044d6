"""Check requests against the installed stripe-python's typed parameters.

stripe-python is generated from Stripe's OpenAPI spec for one API version
(stripe/_api_version.py), and `stripe.params.*` are TypedDicts of exactly the
parameters that version accepts. `violations` walks a request's parameters
through the matching TypedDict recursively, so a parameter the API version has
removed (endive's `payment_method_types` on PaymentIntents) is named, not sent.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Literal, NotRequired, Required, Union, get_args, get_origin

import stripe
import typing_extensions
from stripe import params as stripe_params  # the test side may import the SDK

# (HTTP method, path pattern) -> the SDK's params class for that endpoint.
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("post", re.compile(r"/v1/payment_intents"), "PaymentIntentCreateParams"),
    ("get", re.compile(r"/v1/payment_intents"), "PaymentIntentListParams"),
    ("get", re.compile(r"/v1/payment_intents/[^/]+"), "PaymentIntentRetrieveParams"),
    ("post", re.compile(r"/v1/payment_intents/[^/]+"), "PaymentIntentUpdateParams"),
    ("post", re.compile(r"/v1/payment_intents/[^/]+/confirm"), "PaymentIntentConfirmParams"),
    ("post", re.compile(r"/v1/payment_intents/[^/]+/cancel"), "PaymentIntentCancelParams"),
    ("post", re.compile(r"/v1/refunds"), "RefundCreateParams"),
    ("get", re.compile(r"/v1/charges/[^/]+"), "ChargeRetrieveParams"),
    ("get", re.compile(r"/v1/events"), "EventListParams"),
    ("get", re.compile(r"/v1/disputes"), "DisputeListParams"),
]


def params_class(method: str, path: str) -> type | None:
    """The SDK's TypedDict for this endpoint, or None when the table doesn't know it."""
    for verb, pattern, name in ROUTES:
        if verb == method.lower() and pattern.fullmatch(path):
            return getattr(stripe_params, name)  # type: ignore[no-any-return]
    return None


def violations(method: str, path: str, params: dict[str, Any] | None) -> list[str]:
    """Every way `params` breaks the SDK's typed parameters for the endpoint; [] if none."""
    cls = params_class(method, path)
    if cls is None:
        return [f"{method.upper()} {path}: an endpoint the contract table does not know"]
    return _check(params or {}, cls, cls.__name__, cls.__module__)


class _Unknown:
    """Stands for a name the SDK imports only for type checkers; subscripting gives Any."""

    def __class_getitem__(cls, _item: object) -> Any:
        return Any


class _Names(dict[str, Any]):
    """Names for the SDK's string annotations: the module's, stripe.params', stripe's."""

    def __init__(self, module: dict[str, Any]) -> None:
        super().__init__()
        self.module = module

    def __missing__(self, name: str) -> Any:
        for space in (self.module, vars(stripe_params), vars(stripe)):
            if name in space:
                return space[name]
        return _Unknown


def _hints(cls: type) -> dict[str, Any]:
    """The TypedDict's keys and their annotations, its bases' included."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        for key, hint in getattr(klass, "__annotations__", {}).items():
            is_text = isinstance(hint, (str, typing.ForwardRef))
            hints[key] = _forward(hint, klass.__module__) if is_text else hint
    return hints


def _forward(tp: Any, module: str) -> Any:
    """Resolve a string or ForwardRef annotation (the SDK's own source text)."""
    text = tp if isinstance(tp, str) else tp.__forward_arg__
    space = vars(__import__(module, fromlist=["*"]))
    return eval(text, dict(space), _Names(space))


def _required(tp: Any, default: bool) -> tuple[Any, bool]:
    origin = get_origin(tp)
    if origin is NotRequired:
        return get_args(tp)[0], False
    if origin is Required:
        return get_args(tp)[0], True
    return tp, default


def _check(value: Any, tp: Any, where: str, module: str = "stripe.params") -> list[str]:
    if isinstance(tp, (str, typing.ForwardRef)):
        tp = _forward(tp, module)
    tp, _ = _required(tp, True)
    origin = get_origin(tp)
    if tp is Any:
        return []
    if origin in (Union, types.UnionType):
        results = [_check(value, arm, where, module) for arm in get_args(tp)]
        if any(not r for r in results):
            return []
        return min(results, key=len)
    if origin is Literal:
        return [] if value in get_args(tp) else [f"{where}: {value!r} is not one of {get_args(tp)}"]
    if typing_extensions.is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        hints = _hints(tp)
        total = getattr(tp, "__total__", True)
        errors = [
            f"{where}.{key}: not a parameter of this API version ({tp.__name__})"
            for key in value
            if key not in hints
        ]
        for key, hint in hints.items():
            inner, required = _required(hint, total)
            if key in value:
                errors += _check(value[key], inner, f"{where}.{key}", tp.__module__)
            elif required:
                errors.append(f"{where}.{key}: required but missing")
        return errors
    if origin in (list, typing.List):  # noqa: UP006  (the SDK spells it List)
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        (item,) = get_args(tp) or (Any,)
        return [e for i, v in enumerate(value) for e in _check(v, item, f"{where}[{i}]", module)]
    if origin in (dict, typing.Dict):  # noqa: UP006
        if not isinstance(value, dict):
            return [f"{where}: expected a mapping"]
        args = get_args(tp)
        return [
            e
            for k, v in value.items()
            for e in _check(v, args[1] if args else Any, f"{where}[{k}]", module)
        ]
    if tp is bool:
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean"]
    if tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected an integer"]
    if tp in (str, float):
        return [] if isinstance(value, tp) else [f"{where}: expected {tp.__name__}"]
    if tp is type(None):
        return [] if value is None else [f"{where}: expected null"]
    # Anything else (the SDK's own generic StripeObject types): a mapping is fine.
    return []
