"""A letter as a PDF, with every piece of text printed as typed."""

from core.letters import letter_pdf


def test_a_letter_is_a_pdf():
    pdf = letter_pdf(title="A meeting", paragraphs=["Dear Sam,", "Please come."], address="1 St")
    assert pdf.startswith(b"%PDF")


def test_markup_in_the_text_is_printed_not_obeyed():
    pdf = letter_pdf(
        title="<b>x</b>",
        paragraphs=['<img src="http://example.org/x.png"/>', "=HYPERLINK(1)", "\x00bad"],
        address="<font size=40>big</font>",
    )
    assert pdf.startswith(b"%PDF")
