/**
 * A report as a printable table: landscape Letter, a title and the report's period on the first page,
 * the column headings repeated on every page, page numbers. pdfkit is loaded here, on use. The document
 * is written page by page as rows come (memory stays flat in the number of rows).
 */
export async function writeReportPdf(
  meta: { title: string; subtitle: string; columns: string[] },
  rows: Iterable<unknown[]>,
  out: { write(chunk: Buffer): Promise<void> },
): Promise<number> {
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({
    size: "LETTER",
    layout: "landscape",
    margin: 36,
    info: { Title: meta.title, Author: "hnctl portal" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  const flush = async () => {
    for (const c of chunks.splice(0)) await out.write(c);
  };
  const left = 36;
  const width = doc.page.width - 72;
  const bottom = () => doc.page.height - 48;
  // Column widths: in proportion to the heading's length, at least a little room each.
  const weights = meta.columns.map((c) => Math.max(6, Math.min(c.length, 18)));
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * width);
  const fontSize = meta.columns.length > 12 ? 6 : 7.5;
  let page = 1;
  const footer = () => {
    doc.font("Helvetica").fontSize(7);
    doc.text(`${meta.subtitle} - page ${page}`, left, doc.page.height - 30, {
      width,
      align: "right",
      lineBreak: false,
    });
  };
  const line = (cells: string[], bold: boolean) => {
    const y = doc.y;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(fontSize);
    let x = left;
    cells.forEach((text, i) => {
      doc.text(text, x, y, { width: widths[i]! - 3, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.x = left;
    doc.y = y + fontSize + 4;
  };
  const heading = () => {
    line(meta.columns, true);
    doc
      .moveTo(left, doc.y - 2)
      .lineTo(left + width, doc.y - 2)
      .lineWidth(0.5)
      .stroke();
  };

  doc.font("Helvetica-Bold").fontSize(14).text(meta.title, left, 36);
  doc.font("Helvetica").fontSize(9).text(meta.subtitle).moveDown(0.8);
  heading();
  let count = 0;
  for (const r of rows) {
    if (doc.y + fontSize + 4 > bottom()) {
      footer();
      doc.addPage();
      page++;
      doc.y = 36;
      heading();
      await flush();
    }
    line(
      r.map((v) => (v === null || v === undefined ? "" : String(v))),
      false,
    );
    count++;
  }
  if (!count) doc.font("Helvetica").fontSize(9).text("No rows match.", left);
  footer();
  doc.end();
  await ended;
  await flush();
  return count;
}
