testfile "a" {
  path    = "/etc/a"
  content = testfile.missing.content
}

testfile "b" {
  path    = "/etc/b"
  content = var.nope
}
