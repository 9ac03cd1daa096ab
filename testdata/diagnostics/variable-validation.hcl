variable "mode" {
  type    = string
  default = "0777"
  validation {
    condition     = contains(["0600", "0644"], var.mode)
    error_message = "mode must be 0600 or 0644."
  }
}

testfile "a" {
  path    = "/etc/a"
  content = "x"
  mode    = var.mode
}
