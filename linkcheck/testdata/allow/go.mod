module example.com/me/app

go 1.23
