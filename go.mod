module github.com/lurewatch/lurewatch

go 1.26.8
