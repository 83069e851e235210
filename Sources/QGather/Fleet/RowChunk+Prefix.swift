extension RowChunk {
    /// This chunk's rows, each with one more cell in front: the text `label` (a fan-out's
    /// `target` column). Every other cell keeps its kind and its engine's own text.
    package func prefixed(withText label: String) -> RowChunk {
        var label = label
        return label.withUTF8 { labelBytes in
            var result = RowChunk(columnCount: columnCount + 1, reservingRows: rowCount, bytes: byteCount + rowCount * labelBytes.count)
            for row in 0..<rowCount {
                result.append(.text, bytes: UnsafeRawBufferPointer(labelBytes))
                for column in 0..<columnCount {
                    if cells[row * columnCount + column].exactDouble, case .real(let value) = self.value(row: row, column: column) {
                        withCell(row: row, column: column) { _, text in result.appendReal(text: UnsafeRawBufferPointer(text), value: value) }
                    } else {
                        withCell(row: row, column: column) { kind, text in result.append(kind, bytes: UnsafeRawBufferPointer(text)) }
                    }
                }
            }
            return result
        }
    }
}
