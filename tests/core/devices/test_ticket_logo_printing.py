"""The branch logo from upload to paper: the admin uploads it over the API (checked, audited), the
supervisor reads it with its black-and-white previews, and the next ticket the hub prints carries it to
the simulated printer as a raster image of the paper's width; removed, the next ticket has none."""
from __future__ import annotations

import base64
import io

from PIL import Image

from drivers.ticket_layout import PAPER
from drivers.ticket_logo import MAX_BYTES

LOGO_PATH = "/api/v1/branches/demo/ticket-logo"


def logo_png(width=600, height=150) -> bytes:
    img = Image.new("L", (width, height), 255)
    img.paste(0, (0, 0, width // 2, height))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def pictures(ticket):
    return [image for image in ticket.images if not image.qr]


def test_uploaded_logo_prints_on_the_next_ticket(devices, signed_in, client):
    admin, supervisor = signed_in("admin"), signed_in("supervisor")
    data = logo_png()
    r = admin.put(LOGO_PATH, json={"image": "data:image/png;base64," + base64.b64encode(data).decode()})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["logo"]["width"] == 600 and body["logo"]["mimetype"] == "image/png"

    seen = supervisor.get(LOGO_PATH).get_json()
    assert seen["logo"]["bytes"] == len(data)
    for mm, (_, dots) in PAPER.items():
        preview = Image.open(io.BytesIO(base64.b64decode(seen["previews"][str(mm)].split(",", 1)[1])))
        assert preview.mode == "1" and preview.width == dots  # black and white, the paper's width
    changes = supervisor.get("/api/v1/branches/demo/setup").get_json()["changes"]
    assert changes[0]["entity"] == "branch" and changes[0]["after"] == {"logo": f"image/png 600x150, {len(data)} bytes"}
    assert supervisor.put(LOGO_PATH, json={"image": base64.b64encode(data).decode()}).status_code == 403

    ticket = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    assert ticket["printed"] is True
    sim = devices.printer_sim(1)
    [paper] = sim.wait_for_tickets(1)
    [logo] = pictures(paper)
    dots = PAPER[sim.paper_mm][1]
    assert (logo.width, logo.height, logo.source, logo.at_line) == (dots, dots // 4, "GS v 0", 0)
    assert logo.black(2, 2) and not logo.black(dots - 3, 2)  # the left half black, the right half paper

    def delete():
        return admin.client.delete(LOGO_PATH, headers=admin.headers)

    assert delete().status_code == 200
    assert delete().get_json()["error"]["code"] == "logo_not_found"
    sim.clear_tickets()
    signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"})
    [paper] = sim.wait_for_tickets(1)
    assert pictures(paper) == []


def test_bad_uploads_are_refused_and_change_nothing(devices, signed_in):
    admin = signed_in("admin")
    gif = io.BytesIO()
    Image.new("L", (40, 40)).save(gif, format="GIF")
    cases = [(base64.b64encode(gif.getvalue()).decode(), 400, "logo_format"),
             ("not base64!", 400, "logo_format"),
             (base64.b64encode(b"\x89PNG" + bytes(MAX_BYTES)).decode(), 413, "logo_too_large")]
    for image, status, code in cases:
        r = admin.put(LOGO_PATH, json={"image": image})
        assert r.status_code == status and r.get_json()["error"]["code"] == code, (code, r.get_json())
    assert admin.get(LOGO_PATH).get_json() == {"logo": None, "previews": None}


def test_print_commands_carry_the_logo_rendered_once_per_paper(devices, signed_in, hub):
    """Not the upload: the 1-bit picture for the printer's paper, a few KiB (docs/architecture.md)."""
    photo = io.BytesIO()
    Image.effect_noise((1000, 1000), 80).convert("RGB").save(photo, format="JPEG", quality=50)  # ~400 KB
    assert signed_in("admin").put(LOGO_PATH, json={"image": base64.b64encode(photo.getvalue()).decode()}
                                  ).status_code == 200
    logos = hub.devices.printing.logos
    for mm, (_, dots) in PAPER.items():
        carried = base64.b64decode(logos.for_printer(1, mm))
        picture = Image.open(io.BytesIO(carried))
        assert picture.mode == "1" and picture.size == (240, 240)  # capped at 240 dots high, square
        assert len(carried) < len(photo.getvalue()) / 10
    assert logos.for_printer(1, 80) is logos.for_printer(1, 80)  # rendered once, then reused
