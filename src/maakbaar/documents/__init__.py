"""What goes to a customer, in the customer's language: the quote (offerte), the order confirmation
(orderbevestiging), the delivery note (pakbon) and the CO2 comparison for a tender.

Plain data in, a document out (print-ready HTML, or a PDF for the CO2 report); every word from the message catalogue
(``maakbaar.i18n``, keys ``doc.*``), numbers, money and dates the language's way. The services gather the data and
choose the language (the customer's ``document_language`` unless the user asks for another); nothing here reads the
database or the clock.
"""

from .orders import OrderDocument, OrderDocumentLine, delivery_note_html, order_confirmation_html
from .page import Party, Sender
from .quote import DocumentLine, part_svg, quote_html, quote_pdf

__all__ = ["DocumentLine", "OrderDocument", "OrderDocumentLine", "Party", "Sender", "delivery_note_html",
           "order_confirmation_html", "part_svg", "quote_html", "quote_pdf"]
