"""The printed work order (werkbon) as PDF: routing, quantities, nest references and a QR code that opens the
job card on a terminal."""

from __future__ import annotations

import io

WORDS = {
    "nl": {"title": "Werkbon", "order": "Order", "customer": "Klant", "part": "Onderdeel", "quantity": "Aantal",
           "due": "Leverdatum", "material": "Materiaal", "routing": "Bewerkingen", "seq": "Nr", "operation": "Bewerking",
           "machine": "Machine", "setup": "Instellen", "run": "Per stuk", "planned": "Gepland", "done": "Gereed",
           "sign": "Paraaf", "nests": "Nestplaten", "scan": "Scan om de opdrachtkaart te openen", "min": "min",
           "none": "nog niet genest", "notes": "Opmerkingen"},
    "en": {"title": "Work order", "order": "Order", "customer": "Customer", "part": "Part", "quantity": "Quantity",
           "due": "Due date", "material": "Material", "routing": "Operations", "seq": "No", "operation": "Operation",
           "machine": "Machine", "setup": "Setup", "run": "Each", "planned": "Planned", "done": "Done",
           "sign": "Initials", "nests": "Nest sheets", "scan": "Scan to open the job card", "min": "min",
           "none": "not nested yet", "notes": "Notes"},
}


def _latin(text: str) -> str:
    return str(text).replace("€", "EUR").encode("latin-1", "replace").decode("latin-1")


def work_order_pdf(data: dict, card_url: str, language: str = "nl") -> bytes:
    """``data``: number, order, customer, part, part_name, quantity, due_date, material, notes, operations
    (sequence, description, machines, setup_min, run_min_per_piece, planned_start, quantity_done, status),
    nests (text lines)."""
    import segno
    from fpdf import FPDF

    w = WORDS.get(language, WORDS["nl"])
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(120, 10, _latin(f"{w['title']} {data['number']}"), new_x="LMARGIN", new_y="NEXT")
    qr = segno.make(card_url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=6, border=2)
    image.seek(0)
    pdf.image(image, x=160, y=10, w=38, h=38)
    pdf.set_xy(160, 49)
    pdf.set_font("helvetica", "", 7)
    pdf.multi_cell(38, 3, _latin(w["scan"]), align="C")
    pdf.set_xy(pdf.l_margin, 24)
    pdf.set_font("helvetica", "", 11)
    for label, value in ((w["order"], data["order"]), (w["customer"], data["customer"]),
                         (w["part"], f"{data['part']} {data['part_name']}"), (w["quantity"], data["quantity"]),
                         (w["due"], data["due_date"]), (w["material"], data["material"])):
        pdf.set_font("helvetica", "", 10)
        pdf.cell(32, 6, _latin(label))
        pdf.set_font("helvetica", "B", 11)
        pdf.cell(100, 6, _latin(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 7, _latin(w["routing"]), new_x="LMARGIN", new_y="NEXT")
    widths = (12, 52, 30, 20, 20, 30, 14, 12)
    heads = (w["seq"], w["operation"], w["machine"], w["setup"], w["run"], w["planned"], w["done"], w["sign"])
    pdf.set_font("helvetica", "B", 9)
    for width, head in zip(widths, heads):
        pdf.cell(width, 7, _latin(head), border=1)
    pdf.ln()
    pdf.set_font("helvetica", "", 9)
    for op in data["operations"]:
        cells = (op["sequence"], op["description"][:32], ", ".join(op["machines"])[:18],
                 f"{op['setup_min']:g} {w['min']}", f"{op['run_min_per_piece']:g} {w['min']}",
                 op["planned_start"] or "-", f"{op['quantity_done']}", "")
        for width, cell in zip(widths, cells):
            pdf.cell(width, 9, _latin(cell), border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 7, _latin(w["nests"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    for line in data["nests"] or [w["none"]]:
        pdf.cell(0, 6, _latin(line), new_x="LMARGIN", new_y="NEXT")
    if data.get("notes"):
        pdf.ln(3)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(0, 7, _latin(w["notes"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 10)
        pdf.multi_cell(0, 5, _latin(data["notes"]))
    return bytes(pdf.output())
