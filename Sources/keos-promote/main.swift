import PromoteCLI

KeosPromote.main()
