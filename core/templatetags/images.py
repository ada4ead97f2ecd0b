"""`{% responsive_image %}`: one <img> offering every WebP rendition of an uploaded image."""

from django import template
from django.utils.html import format_html

from core.images import renditions, scaled_height, stored_size

register = template.Library()


@register.simple_tag
def responsive_image(fieldfile, alt, sizes="100vw", loading="lazy", **attributes):
    """An <img> with the renditions in srcset and the largest as src; nothing for an empty field.

    `alt` may be "" for a decorative image; `class` is the only other attribute accepted.
    Built from the stored name and size alone: rendering never opens the file.
    """
    css_class = attributes.pop("class", "")
    if attributes:
        raise template.TemplateSyntaxError(f"responsive_image does not take {', '.join(sorted(attributes))}.")
    if not fieldfile:
        return ""
    class_attribute = format_html(' class="{}"', css_class) if css_class else ""
    sources = renditions(fieldfile)
    if not sources:
        # Dimensions not recorded yet (make_renditions fills them): the original, without sizes.
        return format_html(
            '<img src="{}" alt="{}" loading="{}" decoding="async"{}>', fieldfile.url, alt, loading, class_attribute
        )
    width, height = stored_size(fieldfile)
    largest_url, largest_width = sources[-1]
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}" decoding="async"{}>',
        largest_url,
        ", ".join(f"{url} {w}w" for url, w in sources),
        sizes,
        largest_width,
        scaled_height(width, height, largest_width),
        alt,
        loading,
        class_attribute,
    )


@register.simple_tag(takes_context=True)
def absolute_media_url(context, fieldfile):
    """The file's address for other sites (og:image): this site's, or object storage's own."""
    return context["request"].build_absolute_uri(fieldfile.url)
