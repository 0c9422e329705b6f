"""Log-in and log-out, who am I, the health check, and the users an admin keeps."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field

from ...services import user_service
from ...store.db import Session
from ..security import LoginRefused, Refused, checked_log_in, csrf_token, log_in, log_out_everywhere, refused_code, \
    user_from_request
from .common import Dependencies, version_from


class LoginIn(BaseModel):
    username: str
    password: str


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    language: str
    badge: str | None = None
    operator_code: str | None = None
    version: int
    locked: bool = False


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=user_service.MIN_PASSWORD)
    role: str
    display_name: str = ""
    badge: str | None = None
    pin: str | None = None
    operator_code: str | None = None
    language: str = "nl"


class UserChange(BaseModel):
    display_name: str | None = None
    role: str | None = None
    active: bool | None = None
    password: str | None = None
    pin: str | None = None
    badge: str | None = None
    language: str | None = None
    unlock: bool | None = Field(default=None, description="lift the lock after too many wrong passwords or PINs")


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session = deps.session

    @routes.post("/login", tags=["users"])
    def login(request: Request, body: LoginIn, db: Session = Depends(session)):
        try:
            user = checked_log_in(request, db, body.username, body.password)
        except LoginRefused as refused:
            wait = {"Retry-After": str(refused.minutes * 60)} if refused.minutes else None
            raise Refused(refused.status, refused_code(refused), headers=wait, minutes=refused.minutes) from None
        user_service.record_login(user_service.separate_sessions(db), user.id, body.password)
        log_in(request, user)
        return {"username": user.username, "role": user.role, "csrf_token": csrf_token(request)}

    @routes.post("/logout", tags=["users"])
    def logout(request: Request, db: Session = Depends(session)):
        """Ends every session of the user (a copied cookie stops working too)."""
        log_out_everywhere(request, db)
        return {"ok": True}

    @routes.get("/me", tags=["users"])
    def me(request: Request, db: Session = Depends(session)):
        user = user_from_request(request, db)
        if user is None:
            raise Refused(401, "error.login_first")
        return {"username": user.username, "display_name": user.display_name, "role": user.role,
                "csrf_token": csrf_token(request)}

    @routes.get("/health", tags=["system"])
    def health(db: Session = Depends(session)) -> dict:
        from ... import __version__

        db.connection()
        return {"status": "ok", "version": __version__}

    @routes.get("/users", tags=["users"], response_model=list[UserOut])
    def users(db: Session = Depends(session), _=Depends(deps.need("users"))):
        return [UserOut(**u.__dict__) for u in user_service.list_users(db)]

    @routes.post("/users", tags=["users"], response_model=UserOut, status_code=201)
    def add_user(body: UserIn, db: Session = Depends(session), _=Depends(deps.need("users"))):
        user = user_service.create_user(db, body.username, body.password, body.role, body.display_name, body.badge,
                                        body.pin, body.operator_code, body.language)
        db.commit()
        return UserOut(**user.__dict__)

    @routes.patch("/users/{username}", tags=["users"], response_model=UserOut)
    def change_user(username: str, body: UserChange, db: Session = Depends(session),
                    if_match: str | None = Header(default=None), version: int | None = None,
                    _=Depends(deps.need("users"))):
        changes = body.model_dump(exclude_none=True)
        user = user_service.update_user(db, username, version_from(if_match, version), **changes)
        db.commit()
        return UserOut(**user.__dict__)

    return routes
