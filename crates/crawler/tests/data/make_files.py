"""Makes the born-digital test files of the crawler (run once; the output is committed).

    pip install fpdf2 pikepdf python-docx && python3 make_files.py

`cid-objstm.pdf`: two pages of Vietnamese legal text set in DejaVu Serif, embedded by fpdf2 as
a Type0/CIDFontType2 font with Identity-H encoding and a ToUnicode CMap, page 2 in two columns;
rewritten by pikepdf (qpdf) with object streams and a cross-reference stream (PDF 1.5).
`phu-luc.docx`: a Word document (python-docx) with a heading, paragraphs split into runs and a
table.
"""

import docx
import pikepdf
from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

PAGE1 = (
    "NGHỊ QUYẾT\nVề việc phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024\n"
    "Điều 1. Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.\n"
    "Điều 2. Luật này quy định về quyền, nghĩa vụ và trách nhiệm của thanh niên; chính sách "
    "của Nhà nước đối với thanh niên; quản lý nhà nước về thanh niên."
)
LEFT = (
    "Điều 3. Ủy ban nhân dân huyện tổ chức thực hiện Nghị quyết này; Thường trực Hội đồng "
    "nhân dân huyện giám sát việc thực hiện."
)
RIGHT = (
    "Điều 4. Nghị quyết có hiệu lực kể từ ngày ký. Đồng bào các dân tộc thiểu số được ưu "
    "tiên hỗ trợ khuyến nông."
)

pdf = FPDF(format="A4")
pdf.add_font("DejaVuSerif", "", FONT)
pdf.set_font("DejaVuSerif", size=12)
pdf.add_page()
pdf.multi_cell(0, 7, PAGE1)
pdf.add_page()
pdf.set_xy(15, 20)
pdf.multi_cell(85, 7, LEFT)
pdf.set_xy(110, 20)
pdf.multi_cell(85, 7, RIGHT)
pdf.output("/tmp/cid-plain.pdf")

with pikepdf.open("/tmp/cid-plain.pdf") as p:
    p.save(
        "cid-objstm.pdf",
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
        min_version="1.5",
    )

d = docx.Document()
d.add_heading("PHỤ LỤC", level=1)
par = d.add_paragraph("Danh mục các công trình ")
par.add_run("khởi công mới").bold = True
par.add_run(" năm 2024 trên địa bàn huyện Than Uyên.")
table = d.add_table(rows=2, cols=2)
table.cell(0, 0).text = "Xã Mường Kim"
table.cell(0, 1).text = "Đường nội đồng bản Nà Ún"
table.cell(1, 0).text = "Xã Tà Hừa"
table.cell(1, 1).text = "Thủy lợi Nậm Pắt"
d.save("phu-luc.docx")
