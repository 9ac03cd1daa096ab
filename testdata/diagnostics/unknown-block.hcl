netwrok "lan" {
  interface = "ens18"
}
