"""Uploaded SVG drawings, checked against an allow-list of static SVG and written out anew.

An SVG is a document: opened on its own, a browser runs its scripts, follows its links and
loads what it points to, with the origin of the site that served it. A blocklist of patterns
missed `<x:script xmlns:x="http://www.w3.org/1999/xhtml">`, an entity-encoded `javascript:` in
`<animate>` and an XHTML `<iframe>`. So the file is parsed (defusedxml: no entity
declarations, no external references) and walked against what a static drawing needs:

- Anything that can act is refused, with its name, so the editor knows what to change:
  script, foreignObject, animation, links (`<a>`), elements of another namespace (XHTML, ...),
  event handler attributes, references to anything but an element of the same file ("#id";
  a raster image may also be embedded as a data: URL), style sheets that import or point
  outside, entity declarations.
- What drawing programs add for themselves (Inkscape's and Illustrator's own elements and
  attributes, metadata, comments, processing instructions, the doctype, unknown attributes)
  is dropped: it does nothing in a browser, and refusing it would refuse most logos.
- The stored file is the drawing written out again from what was kept, so nothing the
  checks did not look at reaches a visitor.

Refusing rather than quietly removing the active parts: a logo that silently lost an
animation or a linked font would look different from what its designer made, and nobody
would know why. Serving adds a second wall: media SVG carry `Content-Security-Policy: sandbox`
(core/media.py, deploy/nginx.conf).
"""

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Written out as <svg xmlns="..."> and xlink:href, as drawing programs expect.
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "style", "switch",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "image",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge",
    "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight",
    "feTile", "feTurbulence",
}  # fmt: skip
# Kept without their content: what is inside says who made the file, not what it shows.
DROPPED_ELEMENTS = {"metadata"}
ATTRIBUTES = {
    # Structure, geometry, text
    "id", "class", "style", "version", "baseProfile", "width", "height", "x", "y", "viewBox",
    "preserveAspectRatio", "transform", "d", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2",
    "points", "pathLength", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset",
    "method", "spacing", "side", "href", "type", "media", "role", "focusable", "lang",
    # Paint servers, clipping, masking, markers
    "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy", "fr", "offset",
    "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    # Filters
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "values",
    "operator", "k1", "k2", "k3", "k4", "order", "kernelMatrix", "divisor", "bias", "targetX",
    "targetY", "edgeMode", "kernelUnitLength", "preserveAlpha", "surfaceScale", "diffuseConstant",
    "specularConstant", "specularExponent", "scale", "xChannelSelector", "yChannelSelector",
    "azimuth", "elevation", "z", "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle",
    "baseFrequency", "numOctaves", "seed", "stitchTiles", "tableValues", "slope", "intercept",
    "amplitude", "exponent", "radius",
    # Presentation attributes
    "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
    "color-interpolation", "color-interpolation-filters", "color-profile", "color-rendering",
    "direction", "display", "dominant-baseline", "enable-background", "fill", "fill-opacity",
    "fill-rule", "filter", "flood-color", "flood-opacity", "font", "font-family", "font-size",
    "font-size-adjust", "font-stretch", "font-style", "font-variant", "font-weight",
    "glyph-orientation-horizontal", "glyph-orientation-vertical", "image-rendering", "isolation",
    "kerning", "letter-spacing", "lighting-color", "marker", "marker-end", "marker-mid",
    "marker-start", "mask", "mix-blend-mode", "opacity", "overflow", "paint-order",
    "shape-rendering", "stop-color", "stop-opacity", "stroke", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-opacity", "stroke-width", "text-anchor", "text-decoration", "text-rendering",
    "transform-origin", "unicode-bidi", "vector-effect", "visibility", "word-spacing",
    "writing-mode",
}  # fmt: skip
XML_ATTRIBUTES = {"space", "lang"}  # not xml:base: it would turn "#id" into another file's address
# Namespaces of drawing programs' own bookkeeping: Inkscape, Sodipodi, Illustrator, Sketch,
# Affinity, Corel, RDF metadata. Their elements and attributes are dropped.
EDITOR_NAMESPACES = re.compile(
    r"^(http://www\.inkscape\.org/|http://(inkscape\.)?sodipodi\.(sourceforge\.net|sf\.net)/|"
    r"http://ns\.adobe\.com/|http://www\.bohemiancoding\.com/sketch/|http://www\.serif\.com/|"
    r"http://www\.corel\.com/|http://www\.w3\.org/1999/02/22-rdf-syntax-ns#|http://purl\.org/dc/|"
    r"http://creativecommons\.org/ns#|http://web\.resource\.org/cc/|http://www\.w3\.org/2000/01/rdf-schema#)"
)
# A raster image embedded in the file itself: pixels, nothing that runs.
EMBEDDED_RASTER = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
CSS_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
# CSS that loads or runs something, or hides what it says behind escapes.
CSS_FORBIDDEN = re.compile(
    r"@import|@font-face|image-set\s*\(|\bimage\s*\(|cross-fade\s*\(|element\s*\(|expression\s*\(|"
    r"behavior|-moz-binding|javascript:|\\",
    re.I,
)


class Refused(Exception):
    """Something in the drawing that can act; its description for the person uploading."""


def _split(name):
    """'{namespace}local' -> (namespace, local); a name without namespace counts as SVG."""
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return None, name


def _shorten(text, length=60):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _check_css(css):
    match = CSS_FORBIDDEN.search(css)
    if match:
        raise Refused(_("the style rule “%(rule)s”") % {"rule": _shorten(match.group(0))})
    for _quote, target in CSS_URL.findall(css):
        if not target.strip().startswith("#"):
            raise Refused(_("a reference to “%(target)s”") % {"target": _shorten(target)})


def _check_reference(element, value):
    target = value.strip()
    if target.startswith("#") or (element in ("image",) and EMBEDDED_RASTER.match(target)):
        return
    raise Refused(_("a reference to “%(target)s”") % {"target": _shorten(target)})


def _attributes(element, attributes):
    """The attributes to keep; Refused for an event handler or an outside reference."""
    kept = {}
    for name, value in attributes.items():
        namespace, local = _split(name)
        if namespace is None and local.lower().startswith("on"):
            raise Refused(_("the attribute %(name)s") % {"name": local})
        if namespace in (None, SVG) and local in ATTRIBUTES:
            key = local
        elif namespace == XLINK and local == "href":
            key = f"{{{XLINK}}}href"
        elif namespace == XML and local in XML_ATTRIBUTES:
            key = name
        else:
            continue  # a drawing program's bookkeeping, or nothing a browser reads
        if local == "href":
            _check_reference(element, value)
        elif local == "style":
            _check_css(value)
        elif "url" in value.lower() or ":" in value:
            _check_css(value)
            if re.search(r"(java|vb)script:", re.sub(r"[\s\x00-\x1f]", "", value), re.I):
                raise Refused(_("a reference to “%(target)s”") % {"target": _shorten(value)})
        kept[key] = value
    return kept


def _element(source):
    """A copy of `source` with only what the allow-list keeps; None to drop it; Refused to refuse."""
    namespace, local = _split(source.tag) if isinstance(source.tag, str) else ("", "")
    if namespace not in (None, SVG):
        if namespace and EDITOR_NAMESPACES.match(namespace):
            return None
        raise Refused(_("the element <%(name)s> of another language than SVG") % {"name": local or "?"})
    if local in DROPPED_ELEMENTS:
        return None
    if local not in ELEMENTS:
        raise Refused(_("the element <%(name)s>") % {"name": local})
    copy = ET.Element(f"{{{SVG}}}{local}", _attributes(local, source.attrib))
    if local == "style" and source.text:
        _check_css(source.text)
    copy.text = source.text
    previous = None
    for child in source:
        kept = _element(child)
        if kept is None:
            # The text after a dropped element stays where it was.
            if child.tail:
                if previous is None:
                    copy.text = (copy.text or "") + child.tail
                else:
                    previous.tail = (previous.tail or "") + child.tail
            continue
        kept.tail = child.tail
        copy.append(kept)
        previous = kept
    return copy


def sanitize_svg(content):
    """The SVG drawing in `content` (bytes) written out anew from the allow-list; ValidationError if refused."""
    try:
        root = fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        if _split(root.tag) not in ((SVG, "svg"), (None, "svg")):
            raise Refused(_("a first element other than <svg>"))
        clean = _element(root)
        return ET.tostring(clean, encoding="utf-8", xml_declaration=True)
    except Refused as refused:
        message = _(
            "This SVG contains %(what)s, which cannot be published here. Save the drawing as a plain SVG "
            "(without scripts, animations, links, embedded web pages or references to other files) and upload that."
        )
        raise ValidationError(message % {"what": refused}, code="svg_refused") from None
    except DefusedXmlException:
        raise ValidationError(
            _("This SVG declares entities or refers to other files; save it as a plain SVG and upload that."),
            code="svg_refused",
        ) from None
    except (ET.ParseError, ValueError, RecursionError):
        raise ValidationError(
            _("This SVG cannot be read: it is damaged or not an SVG drawing. Save it again and upload that."),
            code="svg_damaged",
        ) from None
